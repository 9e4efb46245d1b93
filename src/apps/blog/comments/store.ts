/**
 * Comments' reads and writes: the approved comments of a post (oldest first), approved counts for a
 * page of posts in one query, and a new comment (always waiting for moderation). Also the per-client
 * rate limit, counted from the comments themselves by a keyed hash of the sender's address.
 */
import { and, asc, count, eq, gt, inArray, sql } from 'drizzle-orm';
import { clientKey } from '../../../contrib/auth/throttle.js';
import type { Db, Tx } from '../../../db/client.js';
import { keyedHash } from '../../../signing.js';
import { comments } from '../schema.js';

/** At most this many comments from one client (IPv4, or IPv6 /64) in the window. */
export const COMMENT_RATE = Object.freeze({ limit: 5, windowMs: 10 * 60 * 1000 });
/** A page of a post shows at most this many comments. */
export const MAX_COMMENTS_SHOWN = 500;

export interface PublicComment {
  id: number;
  name: string;
  /** Checked again when shown: only http(s) becomes a link. */
  url: string | null;
  body: string;
  createdAt: Date;
}

/** The stored form of a client's address: a keyed hash, so no address is kept. */
export function commentClientKey(secret: string, ip: string): string {
  return keyedHash(secret, 'keen.comment-client', clientKey(ip)).slice(0, 32);
}

export async function approvedComments(db: Db, postId: number): Promise<PublicComment[]> {
  return db
    .select({
      id: comments.id,
      name: comments.name,
      url: comments.url,
      body: comments.body,
      createdAt: comments.createdAt,
    })
    .from(comments)
    .where(and(eq(comments.postId, postId), eq(comments.isApproved, true)))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .limit(MAX_COMMENTS_SHOWN);
}

/** Approved comment counts of these posts, in one query (posts without comments are absent). */
export async function approvedCounts(db: Db, postIds: readonly number[]): Promise<Map<number, number>> {
  if (postIds.length === 0) return new Map();
  const rows = await db
    .select({ postId: comments.postId, total: count() })
    .from(comments)
    .where(and(inArray(comments.postId, [...postIds]), eq(comments.isApproved, true)))
    .groupBy(comments.postId);
  return new Map(rows.map((row) => [row.postId, row.total]));
}

export interface NewComment {
  postId: number;
  userId: number | null;
  name: string;
  email: string;
  url: string | null;
  body: string;
  clientKey: string;
}

/**
 * Stores a comment, waiting for moderation, unless its client already sent COMMENT_RATE.limit in the
 * window: then nothing is stored and the answer is false. Count and insert run under a transaction
 * lock on the client key, so a burst of parallel posts cannot slip past the limit.
 */
export async function addCommentWithinLimit(
  db: Db,
  comment: NewComment,
  now = new Date(),
  /** Runs in the same transaction once the comment is stored (the author's notification). */
  afterStore?: (tx: Tx, commentId: number) => Promise<unknown>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${comment.clientKey}, 0))`);
    const [row] = await tx
      .select({ total: count() })
      .from(comments)
      .where(
        and(
          eq(comments.clientKey, comment.clientKey),
          gt(comments.createdAt, new Date(now.getTime() - COMMENT_RATE.windowMs)),
        ),
      );
    if ((row?.total ?? 0) >= COMMENT_RATE.limit) return false;
    const [stored] = await tx
      .insert(comments)
      .values({ ...comment, isApproved: false })
      .returning({ id: comments.id });
    if (stored && afterStore) await afterStore(tx, stored.id);
    return true;
  });
}
