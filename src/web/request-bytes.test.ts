import { describe, expect, it } from 'vitest';
import { decodedTextProblem, encodedTextProblem, jsonTextProblem } from './request-bytes.js';

describe('request bytes', () => {
  it('accepts ordinary targets and forms, escaped Cyrillic included', () => {
    for (const text of [
      '/blog/',
      '/blog/?tag=postgres&page=2',
      '/blog/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82/',
      'a=1&b=%2B+%26',
      'name=Аня',
      'emoji=%F0%9F%98%80',
    ]) {
      expect(encodedTextProblem(text), text).toBeNull();
    }
  });

  it('refuses NUL, broken escapes, overlong forms, surrogates and stray bytes', () => {
    expect(encodedTextProblem('/blog/?tag=%00')).toBe('a NUL character');
    expect(encodedTextProblem('/blog/a\u0000b/')).toBe('a NUL character');
    expect(encodedTextProblem('username=bo%00ss')).toBe('a NUL character');
    expect(encodedTextProblem('/blog/%E0%A4%A/')).toBe('a malformed percent-escape');
    expect(encodedTextProblem('/blog/%')).toBe('a malformed percent-escape');
    expect(encodedTextProblem('/?q=%C0%AE')).toBe('text that is not UTF-8');
    expect(encodedTextProblem('/?q=%ED%A0%80')).toBe('text that is not UTF-8');
    expect(encodedTextProblem('/?q=%FF')).toBe('text that is not UTF-8');
    expect(encodedTextProblem('/?q=%E2%82')).toBe('text that is not UTF-8');
    expect(encodedTextProblem('q=\uD800')).toBe('text that is not UTF-8');
  });

  it('checks decoded text and every string of a JSON body', () => {
    expect(decodedTextProblem('fine Ünïcode 😀')).toBeNull();
    expect(decodedTextProblem('a\u0000b')).toBe('a NUL character');
    expect(decodedTextProblem('\uDC00')).toBe('text that is not UTF-8');
    expect(jsonTextProblem({ a: [1, 'ok', { b: 'x\u0000' }] })).toBe('a NUL character');
    expect(jsonTextProblem({ 'k\u0000': 1 })).toBe('a NUL character');
    expect(jsonTextProblem({ a: [1, 'ok', { b: null }] })).toBeNull();
  });
});
