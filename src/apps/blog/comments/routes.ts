/**
 * `POST /blog/<slug>/comments/`: a reader's comment. CSRF is checked by the pipeline; then the post
 * must be public with comments open, the form filled by a person (honeypot, minimum fill time), the
 * client under its rate limit, and the fields valid. A comment is stored waiting for moderation and the
 * reader is sent back to the post with a notice (and the post's author gets an email, ./notify.tsx); a
 * refused one shows the post again with the errors.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../../db/client.js';
import { NotFoundError } from '../../../errors.js';
import { translator } from '../../../i18n/messages.js';
import { siteOrigin } from '../../../web/site-url.js';
import { blogMessages } from '../messages.js';
import { sendPostPage } from '../post-view.js';
import { findPublicPost } from '../queries.js';
import { notifyAuthorOfComment } from './notify.js';
import { addCommentWithinLimit, commentClientKey } from './store.js';
import { readComment } from './submission.js';

const MAX_SLUG_LENGTH = 200;

export function registerCommentRoutes(app: FastifyInstance, db: Db): void {
  app.post<{ Params: { slug: string } }>('/blog/:slug/comments/', async (request, reply) => {
    const { slug } = request.params;
    const post = slug.length <= MAX_SLUG_LENGTH ? await findPublicPost(db, slug) : null;
    if (!post) throw new NotFoundError(`no public post "${slug.slice(0, 50)}"`);
    const t = translator(blogMessages, request.language);
    const postUrl = `/blog/${encodeURIComponent(post.slug)}/`;
    const secret = request.server.keen.settings.secretKey.reveal();
    const read = readComment(request.body, secret, (id, values) => t(`comments.error.${id}`, values));
    const refuse = (status: number, errors = read.errors) =>
      sendPostPage(request, reply, db, post, { values: read.values, errors, status });

    if (!post.commentsOpen) return refuse(403, { __all__: [t('comments.closed')] });
    if (read.problem === 'honeypot') {
      // Looks taken, so a bot learns nothing; nothing is stored.
      request.log.info({ post: post.id }, 'comment honeypot filled; dropped');
      request.messages.success(t('comments.awaiting'));
      return reply.redirect(postUrl, 303);
    }
    if (read.problem) return refuse(400, { ...read.errors, __all__: [t(`comments.error.${read.problem}`)] });
    if (Object.keys(read.errors).length > 0) return refuse(400);
    const commenterId = request.user.isAuthenticated ? request.user.id : null;
    const stored = await addCommentWithinLimit(
      db,
      {
        postId: post.id,
        userId: commenterId,
        name: read.values.name,
        email: read.values.email,
        url: read.url,
        body: read.values.body,
        clientKey: commentClientKey(secret, request.ip),
      },
      new Date(),
      (tx, commentId) =>
        notifyAuthorOfComment(request.server, tx, {
          commentId,
          commenterId,
          name: read.values.name,
          body: read.values.body,
          post,
          origin: siteOrigin(request),
        }),
    );
    if (!stored) return refuse(429, { __all__: [t('comments.error.rate')] });
    request.log.info({ post: post.id }, 'comment received, awaiting moderation');
    request.messages.success(t('comments.awaiting'));
    return reply.redirect(`${postUrl}#comments-heading`, 303);
  });
}
