/**
 * The session cookie carries `<key>.<mac>`: a forged or mangled cookie is refused without a database
 * query, and the key itself stays opaque.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function mac(secret: string, key: string): string {
  return createHmac('sha256', secret).update(`keen.sessions:${key}`).digest('base64url').slice(0, 22);
}

/** `key.mac` for the cookie. */
export function signSessionKey(secret: string, key: string): string {
  return `${key}.${mac(secret, key)}`;
}

/** The key from a cookie value, or null if the value is malformed or its MAC is wrong. */
export function unsignSessionKey(secret: string, value: string): string | null {
  const dot = value.lastIndexOf('.');
  if (dot < 8) return null;
  const key = value.slice(0, dot);
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(key)) return null;
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(mac(secret, key));
  return given.length === expected.length && timingSafeEqual(given, expected) ? key : null;
}
