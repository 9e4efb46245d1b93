/**
 * Comments in the admin: the moderation queue (waiting ones first), approve / unapprove in bulk (each
 * writes a history row), delete with the standard action. The email is shown here only, to staff.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { type BulkAction, defineAdmin } from '../../../contrib/admin/define.js';
import { logActions } from '../../../contrib/admin/history.js';
import { lazyTranslator, translator } from '../../../i18n/messages.js';
import { blogMessages } from '../messages.js';
import { comments } from '../schema.js';

const text = lazyTranslator(blogMessages);
/** How much of a comment the moderation list shows. */
const EXCERPT_LENGTH = 80;

function shortened(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH - 1)}…` : flat;
}

function moderation(name: string, approve: boolean): BulkAction {
  return {
    name,
    label: text(approve ? 'comments.admin.approve' : 'comments.admin.unapprove'),
    permission: 'change',
    async run({ tx, ids, user, language }) {
      const selected = ids.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
      const changed = await tx
        .update(comments)
        .set({ isApproved: approve })
        // Only those that change: approving an approved comment writes no history.
        .where(and(inArray(comments.id, selected), eq(comments.isApproved, !approve)))
        .returning({ id: comments.id, name: comments.name });
      await logActions(
        tx,
        changed.map((row) => ({
          user,
          app: 'blog',
          model: 'comment',
          objectId: String(row.id),
          objectRepr: row.name,
          action: 'change' as const,
          changes: { fields: ['isApproved'] },
        })),
      );
      return translator(blogMessages, language)(
        approve ? 'comments.admin.approved' : 'comments.admin.unapproved',
        {
          count: changed.length,
        },
      );
    },
  };
}

export const approveCommentsAction = moderation('approve_comments', true);
export const unapproveCommentsAction = moderation('unapprove_comments', false);

export const commentAdmin = defineAdmin(comments, {
  model: 'comment',
  toString: (row) => `${row.name}: ${row.body.slice(0, 60)}`,
  listDisplay: [
    'name',
    { label: text('comments.admin.excerpt'), value: (row) => shortened(row.body), orderBy: 'body' },
    'postId',
    'isApproved',
    'createdAt',
  ],
  listFilter: ['isApproved', 'postId', 'createdAt'],
  searchFields: ['name', 'body'],
  ordering: ['isApproved', '-createdAt'],
  fields: ['postId', 'name', 'email', 'url', 'body', 'isApproved'],
  readonlyFields: ['postId'],
  actions: [approveCommentsAction, unapproveCommentsAction],
});
