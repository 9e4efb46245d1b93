/**
 * The transaction helper: runs `work` in one transaction, and retries it (from the start) when
 * PostgreSQL aborts it for a serialization failure or a deadlock, which are safe to retry by design.
 */
import type { Db, Tx } from './client.js';

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * @example
 * const post = await atomic(db, async (tx) => {
 *   const [row] = await tx.insert(posts).values(input).returning();
 *   await tx.insert(postTags).values(tags.map((tagId) => ({ postId: row.id, tagId })));
 *   return row;
 * });
 */
export async function atomic<T>(db: Db, work: (tx: Tx) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      const code =
        (error as { code?: string; cause?: { code?: string } }).code ??
        (error as { cause?: { code?: string } }).cause?.code;
      if (attempt >= attempts || !code || !RETRYABLE.has(code)) throw error;
      // Brief, growing pause so the competing transaction can finish.
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
    }
  }
}
