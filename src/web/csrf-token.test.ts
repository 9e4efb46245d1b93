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

describe('CSRF secrets from the random pool', () => {
  it('are all different and use every character about equally, across many pool refills', () => {
    const secrets = Array.from({ length: 2000 }, () => newCsrfSecret());
    expect(new Set(secrets).size).toBe(secrets.length);
    const counts = new Map<string, number>();
    for (const char of secrets.join('')) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 64,000 characters over 62 symbols: about 1,032 each; a biased or repeating pool falls far outside.
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(850);
      expect(count).toBeLessThan(1220);
    }
  });
});
