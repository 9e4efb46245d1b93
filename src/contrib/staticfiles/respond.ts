/**
 * Sends one static file (WhiteNoise's responder): Cache-Control, Last-Modified, a strong ETag and 304,
 * the brotli or gzip variant the client accepts (with `Vary: Accept-Encoding` whenever a variant
 * exists), single byte ranges on the uncompressed file (206, or 416), and HEAD without a body.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Encoding } from './compress.js';
import type { StaticFile, StaticFileStore } from './file-store.js';
import { chooseEncoding, isNotModified, parseRange, rangeStillValid } from './http-rules.js';

/**
 * chooseEncoding's answers by Accept-Encoding and available variants: browsers send a handful of
 * distinct headers, so parsing each once saves a few percent of a static response. Bounded (cleared
 * when full; long headers are not kept), since the header is the client's to choose.
 */
const chosenEncodings = new Map<string, ReturnType<typeof chooseEncoding>>();
const CHOSEN_MAX = 256;

function cachedEncoding(acceptEncoding: string | undefined, available: readonly Encoding[]) {
  if (!acceptEncoding || acceptEncoding.length > 200) return chooseEncoding(acceptEncoding, available);
  const key = `${available.join(',')}|${acceptEncoding}`;
  let chosen = chosenEncodings.get(key);
  if (chosen === undefined) {
    if (chosenEncodings.size >= CHOSEN_MAX) chosenEncodings.clear();
    chosen = chooseEncoding(acceptEncoding, available);
    chosenEncodings.set(key, chosen);
  }
  return chosen;
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
  const { headers } = request;
  const size = file.identity.size;
  let range = parseRange(headers.range, size);
  const ifRange = typeof headers['if-range'] === 'string' ? headers['if-range'] : undefined;
  if (range && !rangeStillValid(ifRange, file.identity.etag, file.lastModified)) range = null;
  // Ranges count bytes of the uncompressed file, so a range request always gets that file.
  const encoding =
    range || file.variants.size === 0
      ? null
      : cachedEncoding(headers['accept-encoding'], [...file.variants.keys()]);
  const rep = (encoding && file.variants.get(encoding)) || file.identity;

  reply
    .header('cache-control', cacheControl)
    .header('last-modified', file.lastModified)
    .header('etag', rep.etag);
  if (file.variants.size > 0) reply.header('vary', 'Accept-Encoding');
  if (isNotModified(headers, rep.etag, file.identity.mtimeMs)) {
    reply.code(304).send();
    return true;
  }

  reply.header('accept-ranges', 'bytes');
  if (range === 'unsatisfiable') {
    reply.code(416).header('content-range', `bytes */${size}`).send();
    return true;
  }
  reply.type(file.contentType);
  if (rep.encoding) reply.header('content-encoding', rep.encoding);
  const start = range ? range.start : 0;
  const end = range ? range.end : rep.size - 1;
  if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`);
  const length = end - start + 1;
  reply.header('content-length', length);
  if (request.method === 'HEAD') {
    reply.send();
    return true;
  }

  const bytes = await store.bytesOf(file, rep);
  if (bytes) {
    reply.send(range ? bytes.subarray(start, end + 1) : bytes);
    return true;
  }
  const handle = await store.open(rep);
  if (!handle) return false;
  if (length === 0) {
    await handle.close();
    reply.send('');
    return true;
  }
  reply.send(handle.createReadStream({ start, end }));
  return true;
}
