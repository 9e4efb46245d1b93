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
    ['', 1, 1, 'unexpected end of input'],
    ['{"a" 1}', 1, 6, 'unexpected "1"'],
    ['{"a": 1,}', 1, 9, 'unexpected "}", expected a "quoted" property name'],
    ['[1 2]', 1, 4, 'unexpected "2", expected "," or "]"'],
    ['{\n  "a": tru\n}', 2, 11, 'unexpected line break'],
    ['{"a": t rue}', 1, 8, 'unexpected space'],
    ['["a\nb"]', 1, 4, 'unexpected line break'],
    ['["a\tb"]', 1, 4, 'unexpected control character U+0009'],
    ['["\\u12G4"]', 1, 3, 'invalid \\u escape'],
    ['-', 1, 2, 'unexpected end of input'],
    ['1.', 1, 2, 'unexpected "."'],
    ['.5', 1, 1, 'unexpected "."'],
    ['NaN', 1, 1, 'unexpected "N"'],
    ['[1]]', 1, 4, 'unexpected "]"'],
  ])('%j fails at line %i, column %i: %s', (text, line, column, problem) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(findJsonSyntaxError(text)).toMatchObject({ line, column, problem });
  });
});
