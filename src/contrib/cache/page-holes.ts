/**
 * Holes in a cached page: the parts that must differ per request (a form's CSRF token, the comment
 * form's signed render time). While the page cache records a page (./page-cache.ts), `pageValue` puts a
 * placeholder where the value goes; the page is stored with its placeholders, and every response made
 * from it, the first included, gets them filled for its own request. So a stored page never holds a
 * visitor's token, and every visitor still gets one made from their own secret, as without the cache.
 *
 * A placeholder is `<marker>:<name>:`, the marker a MAC of the site's SECRET_KEY: every process of the
 * site makes the same, and text a visitor wrote (a comment) cannot contain it.
 */
import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export type HoleFill = (request: FastifyRequest) => string;

const fills = new Map<string, HoleFill>();
const HOLE_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** Declares a hole (once, at module load) and returns its name for `pageValue`. */
export function definePageHole(name: string, fill: HoleFill): string {
  if (!HOLE_NAME.test(name)) throw new Error(`page hole name "${name}" must be lower-case words`);
  const known = fills.get(name);
  if (known && known !== fill) throw new Error(`page hole "${name}" is defined twice`);
  fills.set(name, fill);
  return name;
}

/** The CSRF token of a form on a cacheable page. */
export const CSRF_HOLE = definePageHole('csrf', (request) => request.csrfToken());

/** The marker of this site's placeholders. */
export function holeMarker(secretKey: string): string {
  return `kh${createHmac('sha256', secretKey).update('keen.page-hole').digest('hex').slice(0, 32)}`;
}

interface Recording {
  marker: string;
  used: boolean;
}
const recordings = new WeakMap<FastifyRequest, Recording>();

/** Called by the page cache on a request whose response it will store. */
export function startRecording(request: FastifyRequest, marker: string): void {
  recordings.set(request, { marker, used: false });
}

/** Ends the recording; true when the response holds placeholders. */
export function stopRecording(request: FastifyRequest): boolean {
  const recording = recordings.get(request);
  recordings.delete(request);
  return recording?.used === true;
}

/**
 * The value of hole `name` for this request: the value itself, or a placeholder while the response is
 * recorded for the page cache.
 */
export function pageValue(request: FastifyRequest, name: string): string {
  const fill = fills.get(name);
  if (!fill) throw new Error(`no page hole "${name}"`);
  const recording = recordings.get(request);
  if (!recording) return fill(request);
  recording.used = true;
  return `${recording.marker}:${name}:`;
}

/**
 * A page split at its placeholders: text, hole name, text, … , text (odd indexes are names). Null when
 * a placeholder names no known hole: such a page must not be served.
 */
export function splitAtHoles(body: string, marker: string): string[] | null {
  const pieces = body.split(marker);
  const segments: string[] = [pieces[0] ?? ''];
  for (const piece of pieces.slice(1)) {
    const end = piece.indexOf(':', 1);
    const name = piece.slice(1, end);
    if (piece[0] !== ':' || end === -1 || !fills.has(name)) return null;
    segments.push(name, piece.slice(end + 1));
  }
  return segments;
}

/**
 * A page to send many times: its text as bytes, encoded once, with the hole names left as strings
 * (a 12 KB page of Cyrillic text costs more to encode than to copy).
 */
export type EncodedPage = (Buffer | string)[];

export function encodeSegments(segments: readonly string[]): EncodedPage {
  return segments.map((segment, index) => (index % 2 === 1 ? segment : Buffer.from(segment)));
}

/** The encoded page's bytes with every hole filled for `request`. */
export function fillEncoded(parts: EncodedPage, request: FastifyRequest): Buffer {
  if (parts.length === 1 && Buffer.isBuffer(parts[0])) return parts[0];
  const chunks = parts.map((part) =>
    typeof part === 'string' ? Buffer.from((fills.get(part) as HoleFill)(request)) : part,
  );
  return Buffer.concat(chunks);
}

/** The page with every hole filled for `request`. */
export function fillHoles(segments: readonly string[], request: FastifyRequest): string {
  if (segments.length === 1) return segments[0] ?? '';
  let body = '';
  segments.forEach((segment, index) => {
    body += index % 2 === 1 ? (fills.get(segment) as HoleFill)(request) : segment;
  });
  return body;
}
