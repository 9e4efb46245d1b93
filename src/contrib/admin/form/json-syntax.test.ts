import { describe, expect, test } from 'vitest';
import { findJsonSyntaxError } from './json-syntax.js';

describe('findJsonSyntaxError', () => {
  test.each([
    '{}',
    '[]',
    ' \n\t{"a": [1, -2.5e-3, 0, true, false, null, "\\u00e9\\n\\"x\\""], "b": {}}\r\n',
    '"just a string"',
    '-0',
    '1E+2',
  ])('%j is valid and agrees with JSON.parse', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findJsonSyntaxError(text)).toBeNull();
  });

  test.each([
    ['', 1, 1, { found: 'end' }],
    ['{"a" 1}', 1, 6, { found: 'character', text: '"1"' }],
    ['{"a": 1,}', 1, 9, { found: 'character', text: '"}"', expected: 'propertyName' }],
    ['[1 2]', 1, 4, { found: 'character', text: '"2"', expected: 'commaOrBracket' }],
    ['{"a": 1 "b": 2}', 1, 9, { found: 'character', text: '"\\""', expected: 'commaOrBrace' }],
    ['{\n  "a": tru\n}', 2, 11, { found: 'lineBreak' }],
    ['{"a": t rue}', 1, 8, { found: 'space' }],
    ['["a\nb"]', 1, 4, { found: 'lineBreak' }],
    ['["a\tb"]', 1, 4, { found: 'control', text: 'U+0009' }],
    ['["\\u12G4"]', 1, 3, { found: 'unicodeEscape' }],
    ['["\\x"]', 1, 3, { found: 'escape', text: '\\x' }],
    ['-', 1, 2, { found: 'end' }],
    ['1.', 1, 2, { found: 'character', text: '"."' }],
    ['.5', 1, 1, { found: 'character', text: '"."' }],
    ['NaN', 1, 1, { found: 'character', text: '"N"' }],
    ['[1]]', 1, 4, { found: 'character', text: '"]"' }],
  ])('%j fails at line %i, column %i: %o', (text, line, column, problem) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(findJsonSyntaxError(text)).toEqual({ offset: expect.any(Number), line, column, problem });
  });
});
