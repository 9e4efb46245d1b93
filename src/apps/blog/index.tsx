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
import { NotFoundError } from '../../errors.js';
import { projectRoot } from '../../project-root.js';
import type { KeenApp } from '../../web/keen-app.js';
import { pageContext, sendPage } from '../../web/render.js';
import { categoryAdmin, postAdmin, tagAdmin } from './admin.js';
import { blogMessages } from './messages.js';
import { PostListPage, PostPage } from './pages.js';
import { pageWindow, parsePageRequest, queryValue } from './paginate.js';
import {
  countPublicPosts,
  findCategoryBySlug,
  findPublicPost,
  findTagByName,
  listPublicPosts,
  type PostFilters,
} from './queries.js';

export const POSTS_PER_PAGE = 10;

/** Longer than any slug or tag name the schema allows: not worth a query. */
const MAX_LOOKUP_LENGTH = 200;

function lookupValue(request: FastifyRequest, name: string): string | undefined {
  const value = queryValue(request.query, name);
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_LOOKUP_LENGTH) throw new NotFoundError(`no ${name} "${value.slice(0, 50)}…"`);
  return value;
}

export const blogApp: KeenApp = {
  name: 'blog',
  dependsOn: ['auth', 'media'],
  models: [
    { name: 'category', verboseName: 'category' },
    { name: 'tag', verboseName: 'tag' },
    { name: 'post', verboseName: 'post' },
    { name: 'postlink', verboseName: 'post link' },
  ],
  admin: [categoryAdmin, tagAdmin, postAdmin],
  staticDir: join(projectRoot(), 'src', 'apps', 'blog', 'static'),
  messages: blogMessages,
  routes(app, { database }) {
    const { db } = database;

    // Public pages: under /<language>/ when LANGUAGE_URL_PREFIXES is on.
    app.get('/blog/', { config: { localized: true } }, async (request, reply) => {
      const requested = parsePageRequest(queryValue(request.query, 'page'));
      if (requested === null) throw new NotFoundError('the page number is not a positive integer');
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
      const page = pageWindow(requested, await countPublicPosts(db, filters), POSTS_PER_PAGE);
      if (!page) throw new NotFoundError(`page ${requested} is past the last page`);
      const posts = await listPublicPosts(db, filters, page);
      return sendPage(
        reply,
        <PostListPage context={pageContext(request)} posts={posts} page={page} filter={filter} />,
      );
    });

    app.get<{ Params: { slug: string } }>(
      '/blog/:slug/',
      { config: { localized: true } },
      async (request, reply) => {
        const { slug } = request.params;
        const post = slug.length <= MAX_LOOKUP_LENGTH ? await findPublicPost(db, slug) : null;
        if (!post) throw new NotFoundError(`no public post "${slug.slice(0, 50)}"`);
        const coverUrl = post.cover ? request.server.media.url(post.cover.name) : null;
        return sendPage(reply, <PostPage context={pageContext(request)} post={post} coverUrl={coverUrl} />);
      },
    );
  },
};
