/**
 * The HTTP rules of serving a file (RFC 9110), kept apart from I/O so each can be tested alone:
 * choosing an encoding from `Accept-Encoding`, conditional requests (304) and byte ranges (206/416).
 */
import type { Encoding } from './compress.js';

/**
 * The best of `available` for this `Accept-Encoding`: highest q first, brotli on a tie; null for the
 * uncompressed file. `q=0` refuses an encoding, and `*` stands for the encodings not listed.
 */
export function chooseEncoding(
  acceptEncoding: string | undefined,
  available: readonly Encoding[],
): Encoding | null {
  if (!acceptEncoding || available.length === 0) return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(param);
      if (match) q = Number(match[1]);
    }
    weights.set(name.trim(), Number.isFinite(q) ? q : 0);
  }
  let best: Encoding | null = null;
  let bestQ = 0;
  // `available` is in preference order (br before gzip): a later one must be strictly better to win.
  for (const encoding of available) {
    const q =
      weights.get(encoding) ??
      (encoding === 'gzip' ? weights.get('x-gzip') : undefined) ??
      weights.get('*') ??
      0;
    if (q > bestQ) {
      best = encoding;
      bestQ = q;
    }
  }
  return best;
}

/** The entity tags listed in an `If-None-Match` header, without `W/` (it uses the weak comparison). */
function entityTags(header: string): string[] {
  return header.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
}

/**
 * True when the client's copy is current: `If-None-Match` names `etag` (or `*`), or, only without
 * `If-None-Match`, the file has not changed since `If-Modified-Since` (to the second, as HTTP dates go).
 */
export function isNotModified(
  headers: { 'if-none-match'?: string | undefined; 'if-modified-since'?: string | undefined },
  etag: string,
  mtimeMs: number,
): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const tags = entityTags(ifNoneMatch);
    return tags.includes('*') || tags.includes(etag);
  }
  const since = headers['if-modified-since'];
  if (since === undefined) return false;
  const sinceMs = Date.parse(since);
  return Number.isFinite(sinceMs) && Math.floor(mtimeMs / 1000) * 1000 <= sinceMs;
}

/** An inclusive byte range. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The range a `Range` header asks for in a file of `size` bytes: a single `bytes=a-b`, `bytes=a-` or
 * `bytes=-n`; `unsatisfiable` when it starts past the end; null to ignore it (malformed, another unit,
 * or several ranges, which are served as the whole file).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    // A suffix: the last n bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  // `bytes=5-1` is invalid syntax (ignored), not an unsatisfiable range.
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/**
 * True when a `Range` request may be honoured: no `If-Range`, or one naming the current strong ETag or
 * Last-Modified date. Otherwise the file changed since the client's partial copy and is sent whole.
 */
export function rangeStillValid(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  return value.startsWith('"') ? value === etag : value === lastModified;
}
