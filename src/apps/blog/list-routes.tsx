/**
 * The blog's lists and their feeds (addresses in ./urls.ts): all posts (and the search, `/blog/?q=`),
 * a category, a tag, an author, a year and a month. Every list pages with `?page=`; every list but the
 * archive has an Atom feed at `<list>feed/`. The query-string filters of earlier versions
 * (`/blog/?category=x`, `/blog/?tag=x`, and the same on the feed) answer 301 to the list's own address.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { translator } from '../../i18n/messages.js';
import { localizedPath } from '../../web/language-urls.js';
import type { PageMeta } from '../../web/page-meta.js';
import { pageContext, sendPage } from '../../web/render.js';
import { absoluteUrl } from '../../web/site-url.js';
import { atomFeed, loadFeedEntries } from './feed.js';
import {
  ALL_POSTS,
  archiveListing,
  authorListing,
  categoryListing,
  type Listing,
  loadPostList,
  POSTS_PER_PAGE,
  tagListing,
} from './listing.js';
import { blogMessages } from './messages.js';
import { listingHeading, PostListPage } from './pages.js';
import { pageWindow, parsePageRequest, queryValue } from './paginate.js';
import { countSearchHits, MAX_QUERY_LENGTH, searchPosts } from './search.js';
import { SearchPage } from './search-page.js';
import { categoryUrl, feedUrlOf, pageUrlOf, postUrl, tagUrl } from './urls.js';

function requestedPage(request: FastifyRequest): number | 'last' {
  const requested = parsePageRequest(queryValue(request.query, 'page'));
  if (requested === null) throw new NotFoundError('the page number is not a positive integer');
  return requested;
}

/** Where `?category=` / `?tag=` of earlier versions now live, or null when the request has neither. */
function movedListPath(request: FastifyRequest): string | null {
  const category = queryValue(request.query, 'category');
  if (category) return categoryUrl(category);
  const tag = queryValue(request.query, 'tag');
  if (tag) return tagUrl(tag);
  return null;
}

export async function sendListPage(
  request: FastifyRequest,
  reply: FastifyReply,
  db: Db,
  listing: Listing,
): Promise<FastifyReply> {
  const requested = requestedPage(request);
  const context = pageContext(request);
  const content = await loadPostList(db, listing, requested, request.server.keen.settings.timeZone);
  const t = translator(blogMessages, context.language);
  const hasFeed = listing.subject.kind !== 'archive';
  const meta: PageMeta = {
    description: request.server.siteSettings.current.tagline || undefined,
    canonical: absoluteUrl(request, localizedPath(context, pageUrlOf(listing.path, content.page.number))),
    feeds: hasFeed ? [{ title: t('feed.link'), href: localizedPath(context, feedUrlOf(listing.path)) }] : [],
  };
  return sendPage(reply, <PostListPage context={context} listing={listing} content={content} meta={meta} />);
}

async function sendListFeed(
  request: FastifyRequest,
  reply: FastifyReply,
  db: Db,
  listing: Listing,
): Promise<FastifyReply> {
  const { settings } = request.server.keen;
  const language = settings.languageCode;
  const site = request.server.siteSettings.current;
  const t = translator(blogMessages, language);
  const entries = await loadFeedEntries(db, listing.filters);
  const xml = atomFeed(
    {
      title: t('feed.title', { site: site.siteName ?? 'Keen' }),
      subtitle: listing.subject.kind === 'all' ? site.tagline : listingHeading(listing.subject, t, language),
      selfUrl: absoluteUrl(request, feedUrlOf(listing.path)),
      siteUrl: absoluteUrl(request, listing.path),
      language,
    },
    entries,
    (slug) => absoluteUrl(request, postUrl(slug)),
  );
  return reply
    .type('application/atom+xml; charset=utf-8')
    .header('cache-control', 'public, max-age=600')
    .send(xml);
}

async function sendSearch(request: FastifyRequest, reply: FastifyReply, db: Db, search: string) {
  if (search.length > MAX_QUERY_LENGTH)
    throw new BadRequestError('The search is too long.', 'q over 200 characters');
  const requested = requestedPage(request);
  const total = await countSearchHits(db, search);
  const page = total === 0 ? null : pageWindow(requested, total, POSTS_PER_PAGE);
  if (total > 0 && !page) throw new NotFoundError(`page ${requested} is past the last page`);
  const hits = page ? await searchPosts(db, search, page) : [];
  return sendPage(
    reply,
    <SearchPage context={pageContext(request)} query={search} hits={hits} total={total} page={page} />,
  );
}

/**
 * How long the lists and feeds stay in the page cache: an admin save refreshes them at once, so this
 * only bounds how late a post dated in the future appears. The search (`?q=`) is never cached.
 */
export const LIST_PAGE_CACHE = Object.freeze({ seconds: 300, query: Object.freeze(['page']) });
const FEED_PAGE_CACHE = Object.freeze({ seconds: 300 });

/** Registers the list and feed routes; the post route (`/blog/<slug>/`) sends years here too. */
export function registerListRoutes(app: FastifyInstance, db: Db): void {
  const page = { config: { localized: true, pageCache: LIST_PAGE_CACHE } };
  // Feeds are the same for everyone: cacheable, without a session.
  const feed = { config: { session: false, pageCache: FEED_PAGE_CACHE } };

  app.get('/blog/', page, async (request, reply) => {
    const search = (queryValue(request.query, 'q') ?? '').trim();
    if (search !== '') return sendSearch(request, reply, db, search);
    const moved = movedListPath(request);
    if (moved) {
      const number = parsePageRequest(queryValue(request.query, 'page'));
      const target = typeof number === 'number' ? pageUrlOf(moved, number) : moved;
      return reply.redirect(localizedPath(pageContext(request), target), 301);
    }
    return sendListPage(request, reply, db, ALL_POSTS);
  });
  app.get('/blog/feed/', feed, async (request, reply) => {
    const moved = movedListPath(request);
    if (moved) return reply.redirect(feedUrlOf(moved), 301);
    return sendListFeed(request, reply, db, ALL_POSTS);
  });

  app.get<{ Params: { slug: string } }>('/blog/category/:slug/', page, async (request, reply) =>
    sendListPage(request, reply, db, await categoryListing(db, request.params.slug)),
  );
  app.get<{ Params: { slug: string } }>('/blog/category/:slug/feed/', feed, async (request, reply) =>
    sendListFeed(request, reply, db, await categoryListing(db, request.params.slug)),
  );
  app.get<{ Params: { name: string } }>('/blog/tag/:name/', page, async (request, reply) =>
    sendListPage(request, reply, db, await tagListing(db, request.params.name)),
  );
  app.get<{ Params: { name: string } }>('/blog/tag/:name/feed/', feed, async (request, reply) =>
    sendListFeed(request, reply, db, await tagListing(db, request.params.name)),
  );
  app.get<{ Params: { id: string } }>('/blog/author/:id/', page, async (request, reply) =>
    sendListPage(request, reply, db, await authorListing(db, request.params.id)),
  );
  app.get<{ Params: { id: string } }>('/blog/author/:id/feed/', feed, async (request, reply) =>
    sendListFeed(request, reply, db, await authorListing(db, request.params.id)),
  );
  app.get<{ Params: { year: string; month: string } }>(
    '/blog/:year/:month/',
    page,
    async (request, reply) => {
      const { timeZone } = request.server.keen.settings;
      return sendListPage(
        request,
        reply,
        db,
        archiveListing(request.params.year, request.params.month, timeZone),
      );
    },
  );
}
