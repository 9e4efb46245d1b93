/**
 * Comments' reads and writes: the approved comments of a post (oldest first), approved counts for a
 * page of posts in one query, and a new comment (always waiting for moderation). Also the per-client
 * rate limit, counted from the comments themselves by a keyed hash of the sender's address.
 */
import { and, asc, count, eq, gt, inArray } from 'drizzle-orm';
import { clientKey } from '../../../contrib/auth/throttle.js';
import type { Db } from '../../../db/client.js';
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

export async function recentFromClient(db: Db, key: string, now = new Date()): Promise<number> {
  const [row] = await db
    .select({ total: count() })
    .from(comments)
    .where(
      and(
        eq(comments.clientKey, key),
        gt(comments.createdAt, new Date(now.getTime() - COMMENT_RATE.windowMs)),
      ),
    );
  return row?.total ?? 0;
}

export async function addComment(
  db: Db,
  comment: {
    postId: number;
    userId: number | null;
    name: string;
    email: string;
    url: string | null;
    body: string;
    clientKey: string;
  },
): Promise<void> {
  await db.insert(comments).values({ ...comment, isApproved: false });
}
