/**
 * A post's page with its head tags (description, canonical, OpenGraph, BlogPosting JSON-LD), its
 * approved comments and the comment form: from the post route, and again with the form's errors when a
 * comment is refused.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_HOLE, definePageHole, pageValue } from '../../contrib/cache/page-holes.js';
import type { Db } from '../../db/client.js';
import { translator } from '../../i18n/messages.js';
import { localizedPath } from '../../web/language-urls.js';
import type { PageMeta } from '../../web/page-meta.js';
import { pageContext, sendPage } from '../../web/render.js';
import { absoluteUrl } from '../../web/site-url.js';
import { approvedComments } from './comments/store.js';
import { formStamp } from './comments/submission.js';
import { type CommentFormState, CommentsSection } from './comments/view.js';
import { storedOrRendered } from './markup/render.js';
import { blogMessages } from './messages.js';
import { PostPage } from './pages.js';
import { neighboursOf, type PostDetail } from './queries.js';

/** The comment form's signed render time: per request, like its token, on a cached page too. */
const COMMENT_STAMP_HOLE = definePageHole('comment-stamp', (request) =>
  formStamp(request.server.keen.settings.secretKey.reveal()),
);

export async function sendPostPage(
  request: FastifyRequest,
  reply: FastifyReply,
  db: Db,
  post: PostDetail,
  refused?: { values: CommentFormState['values']; errors: CommentFormState['errors']; status: number },
): Promise<FastifyReply> {
  const [comments, neighbours, bodyHtml] = await Promise.all([
    approvedComments(db, post.id),
    neighboursOf(db, post),
    storedOrRendered(post.bodyHtml, post.body, post.bodyFormat),
  ]);
  const { media } = request.server;
  const coverUrl = post.cover ? media.url(post.cover.name) : null;
  const coverSrcset = post.cover ? media.thumbnailSrcset(post.cover.name, [640, 1280]) : undefined;
  const context = pageContext(request);
  const path = localizedPath(context, `/blog/${encodeURIComponent(post.slug)}/`);
  const url = absoluteUrl(request, path);
  const description = post.metaDescription || post.summary || undefined;
  const image = coverUrl ? absoluteUrl(request, coverUrl) : undefined;
  const meta: PageMeta = {
    type: 'article',
    description,
    canonical: url,
    image,
    feeds: [{ title: translator(blogMessages, context.language)('feed.link'), href: '/blog/feed/' }],
    jsonLd: {
      '@context': 'https://schema.org',
      '@type': 'BlogPosting',
      headline: post.title,
      description,
      url,
      mainEntityOfPage: url,
      datePublished: post.publishedAt.toISOString(),
      dateModified: post.updatedAt.toISOString(),
      inLanguage: context.language,
      ...(image ? { image } : {}),
      ...(post.author ? { author: { '@type': 'Person', name: post.author } } : {}),
      commentCount: comments.length,
    },
  };
  const form: CommentFormState = {
    values: refused?.values,
    errors: refused?.errors,
    stamp: pageValue(request, COMMENT_STAMP_HOLE),
    csrfToken: pageValue(request, CSRF_HOLE),
    action: `/blog/${encodeURIComponent(post.slug)}/comments/`,
  };
  return sendPage(
    reply,
    <PostPage
      context={context}
      post={{ ...post, bodyHtml }}
      coverUrl={coverUrl}
      coverSrcset={coverSrcset}
      meta={meta}
      neighbours={neighbours}
      after={<CommentsSection context={context} comments={comments} open={post.commentsOpen} form={form} />}
    />,
    refused?.status ?? 200,
  );
}
