/** Reading and writing cookies with the flags Keen always uses (sessions, the anonymous CSRF secret). */
import { parse } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isSecure } from './request-info.js';

const parsed = new WeakMap<FastifyRequest, Record<string, string | undefined>>();

/** All cookies of the request, parsed once per request. */
export function requestCookies(request: FastifyRequest): Record<string, string | undefined> {
  let cookies = parsed.get(request);
  if (!cookies) {
    const header = request.headers.cookie;
    cookies = header ? parse(header) : {};
    parsed.set(request, cookies);
  }
  return cookies;
}

/** The value of Keen's cookie `base` (under its `__Host-` name over HTTPS), if the request has it. */
export function requestCookie(request: FastifyRequest, base: string): string | undefined {
  return requestCookies(request)[cookieName(request, base)];
}

/**
 * The cookie's name for this request: over HTTPS it gets the `__Host-` prefix, which browsers accept
 * only with Secure, Path=/ and no Domain, so no subdomain or plain-HTTP page can set or shadow it.
 */
export function cookieName(request: FastifyRequest, base: string): string {
  return isSecure(request) ? `__Host-${base}` : base;
}

/**
 * Keen's cookie values are its own tokens (base64url and dots), so they need no encoding. Anything else
 * is refused rather than escaped: a cookie value from input is a bug.
 */
const SAFE_VALUE = /^[A-Za-z0-9._~-]*$/;

// The Expires date of each cookie age, rebuilt once a second rather than on every response.
const expiresCache = new Map<number, { second: number; text: string }>();

function expiresFor(maxAgeSeconds: number): string {
  if (maxAgeSeconds <= 0) return new Date(0).toUTCString();
  const second = Math.floor(Date.now() / 1000);
  const cached = expiresCache.get(maxAgeSeconds);
  if (cached?.second === second) return cached.text;
  const text = new Date((second + maxAgeSeconds) * 1000).toUTCString();
  expiresCache.set(maxAgeSeconds, { second, text });
  return text;
}

/**
 * Appends a Set-Cookie: HttpOnly, SameSite=Lax, Path=/, and Secure over HTTPS. Built by hand rather
 * than with `cookie`'s serialize, whose per-call validation cost 6% of an anonymous form page: the
 * names are Keen's constants and the values are checked against SAFE_VALUE.
 */
export function setCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  base: string,
  value: string,
  maxAgeSeconds: number,
): void {
  if (!SAFE_VALUE.test(value)) throw new TypeError(`cookie ${base}: value has characters that need encoding`);
  const header =
    `${cookieName(request, base)}=${value}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; Path=/; ` +
    `Expires=${expiresFor(maxAgeSeconds)}; HttpOnly; ${isSecure(request) ? 'Secure; ' : ''}SameSite=Lax`;
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  reply.header('set-cookie', [...list, header]);
}

/** Tells the browser to drop the cookie. */
export function clearCookie(request: FastifyRequest, reply: FastifyReply, base: string): void {
  setCookie(request, reply, base, '', 0);
}

/** Adds each of `tokens` to the Vary header, once. Runs on most pages, so it avoids splitting. */
export function addVary(reply: FastifyReply, ...tokens: string[]): void {
  const current = reply.getHeader('vary');
  if (current === undefined) {
    reply.header('vary', tokens.join(', '));
    return;
  }
  let value = String(current);
  const known = `, ${value.toLowerCase()},`;
  for (const token of tokens) {
    if (!known.includes(`, ${token.toLowerCase()},`) && !known.includes(`,${token.toLowerCase()},`))
      value += `, ${token}`;
  }
  reply.header('vary', value);
}
