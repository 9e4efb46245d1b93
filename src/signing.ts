/**
 * Keen's one home for comparing and signing secrets (Django's `constant_time_compare` and
 * `django.core.signing`): session cookies, the anonymous visitor's CSRF cookie, the session's binding to
 * the password hash and the setup token all go through these functions, so there is one place to
 * review when asking "can this be forged or timed?".
 */
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { BoundedMemo } from './bounded-memo.js';

/** True when `a` and `b` are the same string; the time taken does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * An HMAC-SHA256 of `value` under `secret`, base64url, for one `purpose` ("keen.sessions"…): a MAC made
 * for one purpose is never valid for another.
 */
export function keyedHash(secret: string, purpose: string, value: string): string {
  let memo = recentHashes.get(secret);
  if (!memo) {
    // The key object is made once per secret: importing a string key on every HMAC costs a fifth of it.
    const key = createSecretKey(Buffer.from(secret, 'utf8'));
    memo = new BoundedMemo(
      (message) => createHmac('sha256', key).update(message).digest('base64url'),
      1024,
      512,
    );
    recentHashes.set(secret, memo);
  }
  return memo.get(`${purpose}:${value}`);
}

// The hashes of recent values, per secret: a visit sends the same signed cookies with every request, and
// their HMACs were 3–5% of an authenticated page's CPU (docs/performance.md). Bounded (./bounded-memo.ts).
const recentHashes = new Map<string, BoundedMemo<string>>();

/** `value.mac`: a value the client carries and cannot change (cookies). The MAC is 132 bits. */
export function signValue(secret: string, purpose: string, value: string): string {
  return `${value}.${keyedHash(secret, purpose, value).slice(0, 22)}`;
}

/**
 * The value inside `signed`, or null when it is malformed, fails `shape`, or its MAC is wrong. The shape
 * is tested before the MAC, so junk costs no HMAC.
 */
export function unsignValue(secret: string, purpose: string, signed: string, shape: RegExp): string | null {
  const dot = signed.lastIndexOf('.');
  if (dot < 1) return null;
  const value = signed.slice(0, dot);
  if (!shape.test(value)) return null;
  const expected = keyedHash(secret, purpose, value).slice(0, 22);
  return constantTimeEqual(signed.slice(dot + 1), expected) ? value : null;
}
