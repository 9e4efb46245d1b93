/**
 * Called after an admin change has committed (a save, a delete, a bulk action: comment moderation,
 * publishing): every page in the page cache goes stale, since any row may show on a public page (a
 * post, its category, its author's name, the site's name in every header). Saves are rare next to
 * page views, so refreshing everything costs little and needs no map of which page shows what.
 */
import type { FastifyRequest } from 'fastify';

export async function refreshPublicPages(request: FastifyRequest): Promise<void> {
  const pages = request.server.pageCache;
  if (!pages) return;
  try {
    await pages.invalidate();
  } catch (error) {
    // The change itself is saved; this process serves fresh pages already, others may not until expiry.
    request.log.error(
      { err: error },
      'page cache: could not mark cached pages stale; they expire on their own',
    );
  }
}
