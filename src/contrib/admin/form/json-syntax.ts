/**
 * Where JSON text goes wrong. V8's JSON.parse messages name the position only sometimes ("Unexpected
 * token '}', "{"a":}" is not valid JSON" does not), so after a failed parse this scanner walks the text
 * with the grammar of RFC 8259 (the one JSON.parse implements) and reports the first offending
 * character as a line and column an editor can jump to.
 */

export interface JsonSyntaxError {
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based line and column (in UTF-16 code units, as browsers count in a textarea). */
  line: number;
  column: number;
  /** What was found (and what was expected there), as data: the admin words it in the page's language. */
  problem: JsonProblem;
}

/** What the grammar wanted where it stopped, when that says more than "unexpected". */
export type JsonExpected = 'propertyName' | 'commaOrBrace' | 'commaOrBracket';

export type JsonProblem =
  | { found: 'end' | 'lineBreak' | 'space'; expected?: JsonExpected }
  /** `text` is the character in quotes (`"}"`) or a control character's code point (`U+0009`). */
  | { found: 'character' | 'control'; text: string; expected?: JsonExpected }
  | { found: 'unterminatedString' | 'unicodeEscape' }
  /** `text` is the escape as written (`\x`). */
  | { found: 'escape'; text: string };

class SyntaxStop {
  constructor(
    readonly offset: number,
    readonly problem: JsonProblem,
  ) {}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX = /^[0-9a-fA-F]{4}$/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function describe(text: string, offset: number, expected?: JsonExpected): JsonProblem {
  const extra = expected ? { expected } : {};
  if (offset >= text.length) return { found: 'end', ...extra };
  const code = text.charCodeAt(offset);
  if (code === 0x0a || code === 0x0d) return { found: 'lineBreak', ...extra };
  if (code === 0x20) return { found: 'space', ...extra };
  if (code < 0x20)
    return { found: 'control', text: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`, ...extra };
  return { found: 'character', text: JSON.stringify(text.charAt(offset)), ...extra };
}

/** A recursive-descent walk of one JSON text; throws {@link SyntaxStop} at the first error. */
class Scanner {
  offset = 0;

  constructor(readonly text: string) {}

  fail(offset = this.offset, problem: JsonProblem = describe(this.text, offset)): never {
    throw new SyntaxStop(offset, problem);
  }

  skipWhitespace(): void {
    while (WHITESPACE.has(this.text.charAt(this.offset))) this.offset += 1;
  }

  expect(literal: string): void {
    for (const character of literal) {
      if (this.text.charAt(this.offset) !== character) this.fail();
      this.offset += 1;
    }
  }

  document(): void {
    this.skipWhitespace();
    this.value();
    this.skipWhitespace();
    if (this.offset < this.text.length) this.fail();
  }

  value(): void {
    const character = this.text.charAt(this.offset);
    if (character === '{') this.object();
    else if (character === '[') this.array();
    else if (character === '"') this.string();
    else if (character === 't') this.expect('true');
    else if (character === 'f') this.expect('false');
    else if (character === 'n') this.expect('null');
    else if (character === '-' || (character >= '0' && character <= '9')) this.number();
    else this.fail();
  }

  object(): void {
    this.offset += 1;
    this.skipWhitespace();
    if (this.text.charAt(this.offset) === '}') {
      this.offset += 1;
      return;
    }
    for (;;) {
      if (this.text.charAt(this.offset) !== '"')
        this.fail(this.offset, describe(this.text, this.offset, 'propertyName'));
      this.string();
      this.skipWhitespace();
      this.expect(':');
      this.skipWhitespace();
      this.value();
      this.skipWhitespace();
      const next = this.text.charAt(this.offset);
      this.offset += 1;
      if (next === '}') return;
      if (next !== ',') this.fail(this.offset - 1, describe(this.text, this.offset - 1, 'commaOrBrace'));
      this.skipWhitespace();
    }
  }

  array(): void {
    this.offset += 1;
    this.skipWhitespace();
    if (this.text.charAt(this.offset) === ']') {
      this.offset += 1;
      return;
    }
    for (;;) {
      this.value();
      this.skipWhitespace();
      const next = this.text.charAt(this.offset);
      this.offset += 1;
      if (next === ']') return;
      if (next !== ',') this.fail(this.offset - 1, describe(this.text, this.offset - 1, 'commaOrBracket'));
      this.skipWhitespace();
    }
  }

  string(): void {
    this.offset += 1;
    for (;;) {
      if (this.offset >= this.text.length) this.fail(this.offset, { found: 'unterminatedString' });
      const character = this.text.charAt(this.offset);
      if (character === '"') {
        this.offset += 1;
        return;
      }
      if (character.charCodeAt(0) < 0x20) this.fail();
      if (character === '\\') {
        const escaped = this.text.charAt(this.offset + 1);
        if (escaped === 'u') {
          if (!HEX.test(this.text.slice(this.offset + 2, this.offset + 6)))
            this.fail(this.offset, { found: 'unicodeEscape' });
          this.offset += 6;
          continue;
        }
        if (!ESCAPES.has(escaped)) this.fail(this.offset, { found: 'escape', text: `\\${escaped}` });
        this.offset += 2;
        continue;
      }
      this.offset += 1;
    }
  }

  number(): void {
    NUMBER.lastIndex = this.offset;
    const match = NUMBER.exec(this.text);
    // A lone "-", or "01", "1.", "1e": the match stops where the number goes wrong.
    if (!match) this.fail(this.text.charAt(this.offset) === '-' ? this.offset + 1 : this.offset);
    this.offset += match[0].length;
    const next = this.text.charAt(this.offset);
    if (next === '.' || next === 'e' || next === 'E' || (next >= '0' && next <= '9')) this.fail();
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** The first syntax error in `text`, or null when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  const scanner = new Scanner(text);
  try {
    scanner.document();
    return null;
  } catch (error) {
    if (!(error instanceof SyntaxStop)) throw error;
    return { offset: error.offset, problem: error.problem, ...lineAndColumn(text, error.offset) };
  }
}
