/**
 * Sends one static file (WhiteNoise's responder): Cache-Control, Last-Modified, a strong ETag and 304,
 * the brotli or gzip variant the client accepts (with `Vary: Accept-Encoding` whenever a variant
 * exists), single byte ranges on the uncompressed file (206, or 416), and HEAD without a body.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BoundedMemo } from '../../bounded-memo.js';
import type { Encoding } from './compress.js';
import type { Representation, StaticFile, StaticFileStore } from './file-store.js';
import { type ByteRange, chooseEncoding, isNotModified, parseRange, rangeStillValid } from './http-rules.js';

/**
 * chooseEncoding's answers by available variants and Accept-Encoding: parsing the header was a few
 * percent of a static response.
 */
const chosenEncodings = new BoundedMemo((key) => {
  const split = key.indexOf('|');
  return chooseEncoding(key.slice(split + 1), key.slice(0, split).split(',') as Encoding[]);
});

function cachedEncoding(acceptEncoding: string | undefined, available: readonly Encoding[]) {
  if (!acceptEncoding) return chooseEncoding(acceptEncoding, available);
  return chosenEncodings.get(`${available.join(',')}|${acceptEncoding}`);
}

/** Which stored form of `file` answers `request`, and which bytes of it. */
interface Choice {
  rep: Representation;
  range: ByteRange | 'unsatisfiable' | null;
}

function choose(request: FastifyRequest, file: StaticFile): Choice {
  const { headers } = request;
  let range = parseRange(headers.range, file.identity.size);
  const ifRange = typeof headers['if-range'] === 'string' ? headers['if-range'] : undefined;
  if (range && !rangeStillValid(ifRange, file.identity.etag, file.lastModified)) range = null;
  // Ranges count bytes of the uncompressed file, so a range request always gets that file.
  const encoding =
    range || file.variants.size === 0
      ? null
      : cachedEncoding(headers['accept-encoding'], [...file.variants.keys()]);
  return { rep: (encoding && file.variants.get(encoding)) || file.identity, range };
}

/**
 * Sets the status and headers, and answers 304, 416 and HEAD in full. Returns the span of `rep` the
 * body still has to carry, or null when the response is complete.
 */
function writeHead(
  request: FastifyRequest,
  reply: FastifyReply,
  file: StaticFile,
  { rep, range }: Choice,
  cacheControl: string,
): { start: number; end: number } | null {
  const size = file.identity.size;
  reply
    .header('cache-control', cacheControl)
    .header('last-modified', file.lastModified)
    .header('etag', rep.etag);
  if (file.variants.size > 0) reply.header('vary', 'Accept-Encoding');
  if (isNotModified(request.headers, rep.etag, file.identity.mtimeMs)) {
    reply.code(304).send();
    return null;
  }
  reply.header('accept-ranges', 'bytes');
  if (range === 'unsatisfiable') {
    reply.code(416).header('content-range', `bytes */${size}`).send();
    return null;
  }
  reply.type(file.contentType);
  if (rep.encoding) reply.header('content-encoding', rep.encoding);
  const start = range ? range.start : 0;
  const end = range ? range.end : rep.size - 1;
  if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`);
  reply.header('content-length', end - start + 1);
  if (request.method === 'HEAD') {
    reply.send();
    return null;
  }
  return { start, end };
}

/** Sends the span of `bytes` that `writeHead` left for the body (all of it unless a range was asked). */
function sendBytes(
  reply: FastifyReply,
  bytes: Buffer,
  { range }: Choice,
  span: { start: number; end: number },
) {
  reply.send(range ? bytes.subarray(span.start, span.end + 1) : bytes);
}

/**
 * Answers `request` with `file` when the form it needs is already in memory: no promise, no disk.
 * False, having sent nothing, when it is not; sendStaticFile then does the rest.
 */
export function sendStaticFileFromMemory(
  request: FastifyRequest,
  reply: FastifyReply,
  file: StaticFile,
  cacheControl: string,
): boolean {
  const choice = choose(request, file);
  const bytes = choice.rep.bytes;
  if (!bytes) return false;
  const span = writeHead(request, reply, file, choice, cacheControl);
  if (span) sendBytes(reply, bytes, choice, span);
  return true;
}

/**
 * Answers `request` with `file`; resolves to true once the response is under way. Resolves to false,
 * having sent nothing, when the file on disk is no longer the one `file` describes: the caller then
 * forgets it and looks it up again. (A boolean, not the reply: a Fastify reply is awaitable, so
 * returning it from an async function would resolve to undefined.)
 */
export async function sendStaticFile(
  request: FastifyRequest,
  reply: FastifyReply,
  file: StaticFile,
  cacheControl: string,
  store: StaticFileStore,
): Promise<boolean> {
  const choice = choose(request, file);
  const span = writeHead(request, reply, file, choice, cacheControl);
  if (!span) return true;
  const bytes = await store.bytesOf(file, choice.rep);
  if (bytes) {
    sendBytes(reply, bytes, choice, span);
    return true;
  }
  const handle = await store.open(choice.rep);
  if (!handle) return false;
  if (span.end < span.start) {
    await handle.close();
    reply.send('');
    return true;
  }
  reply.send(handle.createReadStream(span));
  return true;
}
