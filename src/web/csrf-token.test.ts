import { describe, expect, it } from 'vitest';
import {
  maskSecret,
  newCsrfSecret,
  tokenFormatProblem,
  tokenMatchesSecret,
  unmaskToken,
} from './csrf-token.js';

describe('CSRF tokens', () => {
  it('masking round-trips and differs every time (CSRF-01)', () => {
    const secret = newCsrfSecret();
    const a = maskSecret(secret);
    const b = maskSecret(secret);
    expect(a).not.toBe(b);
    expect(unmaskToken(a)).toBe(secret);
    expect(unmaskToken(b)).toBe(secret);
  });

  it('accepts the masked and the plain form; refuses others', () => {
    const secret = newCsrfSecret();
    expect(tokenMatchesSecret(maskSecret(secret), secret)).toBe(true);
    expect(tokenMatchesSecret(secret, secret)).toBe(true);
    expect(tokenMatchesSecret(maskSecret(newCsrfSecret()), secret)).toBe(false);
  });

  it('reports wrong length and characters', () => {
    expect(tokenFormatProblem('a'.repeat(31))).toContain('length');
    expect(tokenFormatProblem(`${'a'.repeat(63)}-`)).toContain('invalid characters');
    expect(tokenFormatProblem('a'.repeat(64))).toBeNull();
  });
});
