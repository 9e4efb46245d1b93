import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, keyedHash, signValue, unsignValue } from './signing.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-an-hmac-key';
const KEY = /^[A-Za-z0-9_-]{8,64}$/;

describe('signing', () => {
  it('compares strings exactly, including different lengths and non-ASCII', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('пароль', 'пароль')).toBe(true);
    expect(constantTimeEqual('пароль', 'парол')).toBe(false);
  });

  it('round-trips a signed value and refuses a changed value, MAC, purpose or secret', () => {
    const signed = signValue(SECRET, 'keen.test', 'abcdefgh12');
    expect(unsignValue(SECRET, 'keen.test', signed, KEY)).toBe('abcdefgh12');
    expect(unsignValue(SECRET, 'keen.other', signed, KEY)).toBeNull();
    expect(unsignValue(`${SECRET}x`, 'keen.test', signed, KEY)).toBeNull();
    expect(unsignValue(SECRET, 'keen.test', signed.replace('abcdefgh12', 'abcdefgh13'), KEY)).toBeNull();
    const mac = signed.slice(signed.lastIndexOf('.') + 1);
    const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    expect(unsignValue(SECRET, 'keen.test', `abcdefgh12.${flipped}`, KEY)).toBeNull();
  });

  it('refuses values of the wrong shape before any MAC is computed', () => {
    const signed = signValue(SECRET, 'keen.test', 'short');
    expect(unsignValue(SECRET, 'keen.test', signed, KEY)).toBeNull();
    expect(unsignValue(SECRET, 'keen.test', 'no-dot-at-all', KEY)).toBeNull();
    expect(unsignValue(SECRET, 'keen.test', '.onlymac', KEY)).toBeNull();
  });

  it('separates purposes in the keyed hash', () => {
    expect(keyedHash(SECRET, 'a', 'x')).not.toBe(keyedHash(SECRET, 'b', 'x'));
  });

  it('remembers recent hashes per secret and purpose without changing them, also once the memo starts over', () => {
    const direct = (secret: string, message: string) =>
      createHmac('sha256', secret).update(message).digest('base64url');
    const other = `${SECRET}-other`;
    for (let round = 0; round < 2; round++) {
      expect(keyedHash(SECRET, 'a', 'x')).toBe(direct(SECRET, 'a:x'));
      expect(keyedHash(other, 'a', 'x')).toBe(direct(other, 'a:x'));
      expect(keyedHash(SECRET, 'b', 'x')).toBe(direct(SECRET, 'b:x'));
    }
    // More values than the memo keeps: it starts over, and answers stay the same.
    for (let i = 0; i < 1500; i++) keyedHash(SECRET, 'fill', String(i));
    expect(keyedHash(SECRET, 'fill', '7')).toBe(direct(SECRET, 'fill:7'));
    expect(keyedHash(SECRET, 'a', 'x')).toBe(direct(SECRET, 'a:x'));
    // A value longer than the memo keeps is hashed each time, the same way.
    const long = 'v'.repeat(600);
    expect(keyedHash(SECRET, 'a', long)).toBe(direct(SECRET, `a:${long}`));
  });
});
