/**
 * The blog app: posts in categories, with tags, a cover image and further-reading links (tables in
 * ./schema.ts, admin in ./admin.ts). Public pages:
 *
 * - `GET /blog/`: public posts, newest first, 10 a page (`?page=`), narrowed by `?category=<slug>` or
 *   `?tag=<name>`; an unknown page, category or tag is a 404.
 * - `GET /blog/<slug>/`: one public post. Drafts and posts dated in the future are 404 for everyone,
 *   staff included: previews are the admin's job.
 */
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { translator } from '../../i18n/messages.js';
import { projectRoot } from '../../project-root.js';
import type { KeenApp } from '../../web/keen-app.js';
import type { PageMeta } from '../../web/page-meta.js';
import { pageContext, sendPage } from '../../web/render.js';
import { absoluteUrl } from '../../web/site-url.js';
import { categoryAdmin, postAdmin, tagAdmin } from './admin.js';
import { commentAdmin } from './comments/admin.js';
import { registerCommentRoutes } from './comments/routes.js';
import { approvedCounts } from './comments/store.js';
import { registerEditorRoutes } from './editor.js';
import { atomFeed, loadFeedEntries } from './feed.js';
import { blogMessages } from './messages.js';
import { PostListPage } from './pages.js';
import { pageWindow, parsePageRequest, queryValue } from './paginate.js';
import { sendPostPage } from './post-view.js';
import {
  countPublicPosts,
  findCategoryBySlug,
  findPublicPost,
  findTagByName,
  listPublicPosts,
  type PostFilters,
} from './queries.js';
import { countSearchHits, MAX_QUERY_LENGTH, searchPosts } from './search.js';
import { SearchPage } from './search-page.js';

export const POSTS_PER_PAGE = 10;

/** Longer than any slug or tag name the schema allows: not worth a query. */
const MAX_LOOKUP_LENGTH = 200;

function lookupValue(request: FastifyRequest, name: string): string | undefined {
  const value = queryValue(request.query, name);
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_LOOKUP_LENGTH) throw new NotFoundError(`no ${name} "${value.slice(0, 50)}…"`);
  return value;
}

/**
 * What `?category=<slug>` and `?tag=<name>` narrow a list or feed to; an unknown one is a 404. The
 * filters go to the queries, the names to the page.
 */
async function listFilterOf(
  db: Db,
  request: FastifyRequest,
): Promise<{ filters: PostFilters; filter: { category?: { name: string; slug: string }; tag?: string } }> {
  const filters: PostFilters = {};
  const filter: { category?: { name: string; slug: string }; tag?: string } = {};
  const categorySlug = lookupValue(request, 'category');
  if (categorySlug !== undefined) {
    const category = await findCategoryBySlug(db, categorySlug);
    if (!category) throw new NotFoundError(`no category "${categorySlug}"`);
    filters.categoryId = category.id;
    filter.category = category;
  }
  const tagName = lookupValue(request, 'tag');
  if (tagName !== undefined) {
    const tag = await findTagByName(db, tagName);
    if (!tag) throw new NotFoundError(`no tag "${tagName}"`);
    filters.tagId = tag.id;
    filter.tag = tag.name;
  }
  return { filters, filter };
}

export const blogApp: KeenApp = {
  name: 'blog',
  dependsOn: ['auth', 'media'],
  models: [
    { name: 'category', verboseName: 'category' },
    { name: 'tag', verboseName: 'tag' },
    { name: 'post', verboseName: 'post' },
    { name: 'postlink', verboseName: 'post link' },
    { name: 'comment', verboseName: 'comment' },
  ],
  admin: [categoryAdmin, tagAdmin, postAdmin, commentAdmin],
  staticDir: join(projectRoot(), 'src', 'apps', 'blog', 'static'),
  messages: blogMessages,
  routes(app, { database, settings }) {
    const { db } = database;

    // Public pages: under /<language>/ when LANGUAGE_URL_PREFIXES is on.
    app.get('/blog/', { config: { localized: true } }, async (request, reply) => {
      const requested = parsePageRequest(queryValue(request.query, 'page'));
      if (requested === null) throw new NotFoundError('the page number is not a positive integer');
      const search = (queryValue(request.query, 'q') ?? '').trim();
      if (search.length > MAX_QUERY_LENGTH)
        throw new BadRequestError('The search is too long.', 'q over 200 characters');
      if (search !== '') {
        const total = await countSearchHits(db, search);
        const page = total === 0 ? null : pageWindow(requested, total, POSTS_PER_PAGE);
        if (total > 0 && !page) throw new NotFoundError(`page ${requested} is past the last page`);
        const hits = page ? await searchPosts(db, search, page) : [];
        return sendPage(
          reply,
          <SearchPage context={pageContext(request)} query={search} hits={hits} total={total} page={page} />,
        );
      }
      const { filters, filter } = await listFilterOf(db, request);
      const page = pageWindow(requested, await countPublicPosts(db, filters), POSTS_PER_PAGE);
      if (!page) throw new NotFoundError(`page ${requested} is past the last page`);
      const posts = await listPublicPosts(db, filters, page);
      const commentCounts = await approvedCounts(
        db,
        posts.map((post) => post.id),
      );
      const context = pageContext(request);
      const feedQuery = filter.category
        ? `?category=${encodeURIComponent(filter.category.slug)}`
        : filter.tag
          ? `?tag=${encodeURIComponent(filter.tag)}`
          : '';
      const meta: PageMeta = {
        description: request.server.siteSettings.current.tagline || undefined,
        canonical: absoluteUrl(request, request.url),
        feeds: [
          { title: translator(blogMessages, context.language)('feed.link'), href: `/blog/feed/${feedQuery}` },
        ],
      };
      return sendPage(
        reply,
        <PostListPage
          context={context}
          posts={posts}
          page={page}
          filter={filter}
          meta={meta}
          commentCounts={commentCounts}
        />,
      );
    });

    // The Atom feed; `?category=` and `?tag=` narrow it like the list. Cacheable, without a session.
    app.get('/blog/feed/', { config: { session: false } }, async (request, reply) => {
      const { filters, filter } = await listFilterOf(db, request);
      // The tag wins over the category, as the narrowing it names last.
      const subtitle = filter.tag ?? filter.category?.name ?? request.server.siteSettings.current.tagline;
      const entries = await loadFeedEntries(db, filters);
      const language = request.server.keen.settings.languageCode;
      const siteName = request.server.siteSettings.current.siteName ?? 'Keen';
      const xml = atomFeed(
        {
          title: translator(blogMessages, language)('feed.title', { site: siteName }),
          subtitle,
          selfUrl: absoluteUrl(request, request.url),
          siteUrl: absoluteUrl(request, '/blog/'),
          language,
        },
        entries,
        (slug) => absoluteUrl(request, `/blog/${encodeURIComponent(slug)}/`),
      );
      return reply
        .type('application/atom+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=600')
        .send(xml);
    });

    app.get<{ Params: { slug: string } }>(
      '/blog/:slug/',
      { config: { localized: true } },
      async (request, reply) => {
        const { slug } = request.params;
        const post = slug.length <= MAX_LOOKUP_LENGTH ? await findPublicPost(db, slug) : null;
        if (!post) throw new NotFoundError(`no public post "${slug.slice(0, 50)}"`);
        return sendPostPage(request, reply, db, post);
      },
    );

    registerCommentRoutes(app, db);
    // The post editor's preview and image upload, in the admin's URL space (./editor.ts).
    registerEditorRoutes(app, settings);
  },
};
