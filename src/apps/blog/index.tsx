/**
 * The blog app: posts in categories, with tags, a cover image and further-reading links (tables in
 * ./schema.ts, admin in ./admin.ts, comments in ./comments/). Public pages (addresses in ./urls.ts):
 *
 * - the lists and their feeds (./list-routes.tsx): all posts and the search, a category, a tag, an
 *   author, a year, a month;
 * - `GET /blog/<slug>/`: one public post. Drafts and posts dated in the future are 404 for everyone,
 *   staff included: previews are the admin's job. Four digits are a year's archive instead, which is
 *   why no post may take such a slug (./post-rules.ts).
 */
import { join } from 'node:path';
import { NotFoundError } from '../../errors.js';
import { projectRoot } from '../../project-root.js';
import type { KeenApp } from '../../web/keen-app.js';
import { categoryAdmin, postAdmin, tagAdmin } from './admin.js';
import { commentAdmin } from './comments/admin.js';
import { registerCommentRoutes } from './comments/routes.js';
import { registerEditorRoutes } from './editor.js';
import { LIST_PAGE_CACHE, registerListRoutes, sendListPage } from './list-routes.js';
import { archiveListing } from './listing.js';
import { blogMessages } from './messages.js';
import { sendPostPage } from './post-view.js';
import { findPublicPost } from './queries.js';
import { YEAR_SEGMENT } from './urls.js';

/** Longer than any slug the schema allows: not worth a query. */
const MAX_SLUG_LENGTH = 200;

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
    registerListRoutes(app, db);

    app.get<{ Params: { slug: string } }>(
      '/blog/:slug/',
      // Also a year's archive, a list: the same cache rules (its comment form's token is a hole).
      { config: { localized: true, pageCache: LIST_PAGE_CACHE } },
      async (request, reply) => {
        const { slug } = request.params;
        if (YEAR_SEGMENT.test(slug)) {
          const { timeZone } = request.server.keen.settings;
          return sendListPage(request, reply, db, archiveListing(slug, undefined, timeZone));
        }
        const post = slug.length <= MAX_SLUG_LENGTH ? await findPublicPost(db, slug) : null;
        if (!post) throw new NotFoundError(`no public post "${slug.slice(0, 50)}"`);
        return sendPostPage(request, reply, db, post);
      },
    );

    registerCommentRoutes(app, db);
    // The post editor's preview and image upload, in the admin's URL space (./editor.ts).
    registerEditorRoutes(app, settings);
  },
};
