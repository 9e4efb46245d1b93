/**
 * What may reach a view, byte-wise: text PostgreSQL can store. A NUL character, a malformed
 * percent-escape or bytes that are not UTF-8 (overlong forms such as %C0%AE, surrogates such as
 * %ED%A0%80) in a path, query string or form are refused with a 400 before any handler runs, instead
 * of failing in the database as a 500.
 *
 * Headers need no check here: Node's HTTP parser answers a NUL, CR or LF in a header, or any byte over
 * 0x7F in the request target, with its own 400 before Fastify sees the request, and reads the other
 * header bytes as Latin-1, which is always text PostgreSQL can store.
 */
import type { IncomingMessage } from 'node:http';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A surrogate half without its partner: JavaScript text that has no UTF-8 form. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/**
 * Why percent-encoded text (a request target, or an `application/x-www-form-urlencoded` body) cannot
 * be accepted, or null when it can.
 */
export function encodedTextProblem(raw: string): string | null {
  // The common case, plain ASCII without escapes, is one scan.
  let plain = true;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 0) return 'a NUL character';
    if (code === 37 || code >= 0x80) {
      plain = false;
      break;
    }
  }
  if (plain) return null;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 37) {
      if (!isHex(raw.charCodeAt(i + 1)) || !isHex(raw.charCodeAt(i + 2))) return 'a malformed percent-escape';
      bytes.push(Number.parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (code < 0x80) {
      bytes.push(code);
    } else {
      // Text that arrived decoded (a form body): back to its UTF-8 bytes, lone surrogates included.
      const end = code >= 0xd800 && code <= 0xdbff ? i + 2 : i + 1;
      const piece = raw.slice(i, end);
      if (LONE_SURROGATE.test(piece)) return 'text that is not UTF-8';
      for (const byte of Buffer.from(piece, 'utf8')) bytes.push(byte);
      i = end - 1;
    }
  }
  if (bytes.includes(0)) return 'a NUL character';
  try {
    strictUtf8.decode(Uint8Array.from(bytes));
  } catch {
    return 'text that is not UTF-8';
  }
  return null;
}

/** Why decoded text (a JSON or multipart field) cannot be accepted, or null when it can. */
export function decodedTextProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'a NUL character';
  if (LONE_SURROGATE.test(text)) return 'text that is not UTF-8';
  return null;
}

/** The first problem in any string of a parsed JSON body (keys included, 10,000 values at most). */
export function jsonTextProblem(value: unknown): string | null {
  const pending: unknown[] = [value];
  for (let seen = 0; pending.length > 0 && seen < 10_000; seen++) {
    const item = pending.pop();
    if (typeof item === 'string') {
      const problem = decodedTextProblem(item);
      if (problem) return problem;
    } else if (item && typeof item === 'object') {
      for (const [key, inner] of Object.entries(item)) {
        const problem = decodedTextProblem(key);
        if (problem) return problem;
        pending.push(inner);
      }
    }
  }
  return null;
}

/** The request as Node holds it, with the target it arrived with when it had to be routed again. */
type RoutedAgain = IncomingMessage & { originalUrl?: string };

/**
 * find-my-way decodes the path with decodeURI before routing, so a malformed escape or an escape that is
 * not UTF-8 in the path (`/blog/%E0%A4%A/`, `/blog/%FF/`) cannot be routed: Fastify would answer with
 * its own bare JSON 400, without the site's error page, security headers or log line. Instead the
 * request is given a target the router can decode (every `%` of the path escaped), keeping the one it
 * came with as `originalUrl`, and is routed again; the common stage then refuses it with the ordinary
 * 400 ({@link requestTargetProblem}). Returns false when it was rerouted already (the router still
 * cannot read it: not a URL at all), and the caller answers as Fastify would.
 */
export function prepareReroute(raw: IncomingMessage): boolean {
  const request = raw as RoutedAgain;
  const url = request.url;
  if (request.originalUrl !== undefined || url === undefined) return false;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  request.originalUrl = url;
  request.url = path.replaceAll('%', '%25') + (query === -1 ? '' : url.slice(query));
  return true;
}

/** Why the request's target (as it arrived) cannot be accepted, or null when it can. */
export function requestTargetProblem(raw: IncomingMessage): string | null {
  const original = (raw as RoutedAgain).originalUrl;
  if (original === undefined) return encodedTextProblem(raw.url ?? '');
  // Rerouted because the router could not decode it: refused whatever the scan says.
  return encodedTextProblem(original) ?? 'a path the router cannot decode';
}
