/**
 * "New comment awaiting moderation" to the post's author, in the author's admin language, enqueued in
 * the transaction that stores the comment (no comment, no mail). Nothing is sent when the post has no
 * author with an email, or when the author wrote the comment.
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import { users } from '../../../contrib/auth/schema.js';
import { sendEmail } from '../../../contrib/email/send.js';
import type { Tx } from '../../../db/client.js';
import { translator } from '../../../i18n/messages.js';
import { blogMessages } from '../messages.js';

export interface CommentNotice {
  commentId: number;
  commenterId: number | null;
  name: string;
  body: string;
  post: { title: string; authorId: number | null };
  /** The site's origin, for the admin link. */
  origin: string;
}

export async function notifyAuthorOfComment(
  app: FastifyInstance,
  tx: Tx,
  notice: CommentNotice,
): Promise<boolean> {
  const { post } = notice;
  if (post.authorId === null || post.authorId === notice.commenterId) return false;
  const [author] = await tx.select().from(users).where(eq(users.id, post.authorId)).limit(1);
  if (!author?.email || !author.isActive) return false;
  const { settings } = app.keen;
  const t = translator(blogMessages, author.language || settings.languageCode);
  const link = `${notice.origin}${settings.adminPath}blog/comment/${notice.commentId}/change/`;
  const excerpt = notice.body.length > 600 ? `${notice.body.slice(0, 600)}…` : notice.body;
  const intro = t('commentMail.intro', { name: notice.name, title: post.title });
  const html = renderToString(
    <div style="font-family: sans-serif; line-height: 1.5; color: #1f2933">
      <p>{intro}</p>
      <blockquote style="margin: 0 0 1em; padding: 0.5em 1em; border-left: 4px solid #cbd2d9; white-space: pre-wrap">
        {excerpt}
      </blockquote>
      <p>
        <a href={link}>{t('commentMail.button')}</a>
      </p>
    </div>,
  );
  await sendEmail(
    app,
    {
      to: [author.email],
      subject: t('commentMail.subject', { title: post.title.slice(0, 120) }),
      text: `${intro}\n\n${excerpt}\n\n${t('commentMail.moderate')}\n${link}\n`,
      html,
    },
    { tx },
  );
  return true;
}
