/**
 * CSRF tokens, Django-style: a 32-character secret per session, and a 64-character masked form of it in
 * every rendered page (a fresh random mask each time, so the token never repeats and BREACH-style
 * compression attacks learn nothing). Both forms are accepted.
 */
import { randomFillSync } from 'node:crypto';
import { constantTimeEqual } from '../signing.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const SECRET_LENGTH = 32;

/**
 * Random bytes are taken from a 4 KB buffer refilled from the CSPRNG when used up (what Node's own
 * randomUUID does): one system call per ~60 form pages instead of two per page. A byte is never used
 * twice.
 */
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++] as number;
}

/** `length` characters drawn uniformly from ALPHABET. */
function randomString(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    // 248 = 4 × 62: bytes above it are dropped so every character is equally likely.
    if (byte < 248) out += ALPHABET[byte % ALPHABET.length];
  }
  return out;
}

/** A new secret, for a session or an anonymous visitor's cookie. */
export function newCsrfSecret(): string {
  return randomString(SECRET_LENGTH);
}

/** mask + (secret shifted by mask), both over ALPHABET. */
export function maskSecret(secret: string): string {
  const mask = randomString(SECRET_LENGTH);
  let cipher = '';
  for (let i = 0; i < SECRET_LENGTH; i++) {
    cipher +=
      ALPHABET[
        (ALPHABET.indexOf(secret[i] as string) + ALPHABET.indexOf(mask[i] as string)) % ALPHABET.length
      ];
  }
  return mask + cipher;
}

/** The secret inside a masked token. */
export function unmaskToken(token: string): string {
  const mask = token.slice(0, SECRET_LENGTH);
  const cipher = token.slice(SECRET_LENGTH);
  let secret = '';
  for (let i = 0; i < SECRET_LENGTH; i++) {
    const index = ALPHABET.indexOf(cipher[i] as string) - ALPHABET.indexOf(mask[i] as string);
    secret += ALPHABET.at(index) as string;
  }
  return secret;
}

/** Why a submitted token is unusable, or null when its form is fine. */
export function tokenFormatProblem(token: string): string | null {
  if (token.length !== SECRET_LENGTH && token.length !== SECRET_LENGTH * 2)
    return 'CSRF token has incorrect length.';
  if (!/^[a-zA-Z0-9]+$/.test(token)) return 'CSRF token has invalid characters.';
  return null;
}

/** Constant-time check of a (masked or plain) token against the session's secret. */
export function tokenMatchesSecret(token: string, secret: string): boolean {
  const candidate = token.length === SECRET_LENGTH * 2 ? unmaskToken(token) : token;
  return constantTimeEqual(candidate, secret);
}
