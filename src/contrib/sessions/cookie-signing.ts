/**
 * The session cookie carries `<key>.<mac>`: a forged or mangled cookie is refused without a database
 * query, and the key itself stays opaque.
 */
import { signValue, unsignValue } from '../../signing.js';

const PURPOSE = 'keen.sessions';
const KEY_SHAPE = /^[A-Za-z0-9_-]{8,64}$/;

/** `key.mac` for the cookie. */
export function signSessionKey(secret: string, key: string): string {
  return signValue(secret, PURPOSE, key);
}

/** The key from a cookie value, or null if the value is malformed or its MAC is wrong. */
export function unsignSessionKey(secret: string, value: string): string | null {
  return unsignValue(secret, PURPOSE, value, KEY_SHAPE);
}
