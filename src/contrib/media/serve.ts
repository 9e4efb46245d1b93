/**
 * The media routes. With local storage the app serves MEDIA_ROOT at MEDIA_URL itself (unless
 * SERVE_MEDIA=false), so an upload shows after `npm start` with nothing else installed; behind nginx,
 * its `/media/` location (deploy/nginx) answers first and these requests never reach the app. With S3
 * storage, URLs point at the bucket or its custom domain and the app serves no media bytes at all.
 * Thumbnails have their own route in every mode: it redirects to the stored variant, or, while it is
 * not made yet, asks for it (a background job) and redirects to the original: a page never waits.
 */
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../errors.js';
import type { Settings } from '../../settings.js';
import { type Media, THUMBNAIL_PATH } from './media.js';
import { mediaNameFromUrl } from './storage.js';

/**
 * What nginx sends for MEDIA_ROOT too: no scripts or plugins even if a file were opened as a page,
 * so an upload can never run code on the site's origin.
 */
export const MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

const NO_SESSION = { session: false, csrf: false } as const;

/** The storage name in a wildcard route's tail (query string removed), or a 404. */
function nameFromTail(params: unknown): string {
  const tail = ((params as { '*': string })['*'] ?? '').split('?')[0] ?? '';
  const name = mediaNameFromUrl(tail);
  if (!name) throw new NotFoundError(`Not a media name: ${tail}`);
  return name;
}

export function registerMediaRoutes(app: FastifyInstance, media: Media, settings: Readonly<Settings>): void {
  if (settings.serveMedia && media.storage.kind === 'local') {
    app.get(`${settings.mediaUrl}*`, { config: NO_SESSION }, async (request, reply) => {
      const file = await media.storage.open(nameFromTail(request.params));
      const image = file.contentType.startsWith('image/');
      // Upload names are random and never reused, so a copy stays good; DEBUG keeps checking.
      const etag = `"${file.size.toString(36)}-${(file.lastModified?.getTime() ?? 0).toString(36)}"`;
      reply
        .type(file.contentType)
        .header('x-content-type-options', 'nosniff')
        // Images show in the page; anything else (PDFs) downloads instead of opening on our origin.
        .header('content-disposition', image ? 'inline' : 'attachment')
        .header('content-security-policy', MEDIA_CSP)
        .header('cache-control', settings.debug ? 'no-cache' : 'public, max-age=604800')
        .header('etag', etag);
      if (file.lastModified) reply.header('last-modified', file.lastModified.toUTCString());
      if (request.headers['if-none-match'] === etag) {
        file.stream.destroy();
        return reply.code(304).send();
      }
      return reply.header('content-length', file.size).send(file.stream);
    });
  }

  app.get(`${THUMBNAIL_PATH}*`, { config: NO_SESSION }, async (request, reply) => {
    const name = nameFromTail(request.params);
    const width = Number((request.query as { w?: string }).w);
    const thumb = await media.thumbnails.find(name, width);
    // The thumbnail's name never changes, so browsers may remember where it is for a day.
    if (thumb) return reply.header('cache-control', 'public, max-age=86400').redirect(media.url(thumb), 302);
    if (!(await media.storage.exists(name))) throw new NotFoundError(`no stored file ${name}`);
    media.thumbnails.request(name);
    // The original until the thumbnail is made; not remembered, so the next view gets the thumbnail.
    return reply.header('cache-control', 'no-store').redirect(media.url(name), 302);
  });
}
