/**
 * The session cookie: `sessionid` (`__Host-sessionid` over HTTPS) carrying `<key>.<mac>`, so a forged
 * or mangled cookie is refused without a database query and the key itself stays opaque.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { signValue, unsignValue } from '../../signing.js';
import { clearCookie, requestCookie, setCookie } from '../../web/cookies.js';

export const SESSION_COOKIE = 'sessionid';
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

/** The session key the request's cookie names, if the cookie is present and genuine. */
export function sessionKeyFromRequest(request: FastifyRequest, secret: string): string | null {
  const raw = requestCookie(request, SESSION_COOKIE);
  return raw ? unsignSessionKey(secret, raw) : null;
}

/** Sends the cookie for `key`, valid for `maxAgeSeconds`. */
export function sendSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  secret: string,
  key: string,
  maxAgeSeconds: number,
): void {
  setCookie(request, reply, SESSION_COOKIE, signSessionKey(secret, key), maxAgeSeconds);
}

/** Tells the browser to drop its session cookie, if it sent one. */
export function dropSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  if (requestCookie(request, SESSION_COOKIE) !== undefined) clearCookie(request, reply, SESSION_COOKIE);
}
