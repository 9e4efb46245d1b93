/**
 * The session store: PostgreSQL (or PGlite) table `keen_session`. The session row and its user come
 * back in one query, so an authenticated request costs one round trip before the view runs.
 */
import { and, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type UserRow, users } from '../auth/schema.js';
import { sessions } from './schema.js';
import { newSessionKey, type Session } from './session.js';

export interface LoadedSession {
  data: Record<string, unknown>;
  userId: number | null;
  user: UserRow | null;
}

/** The session-and-user query, built once per database and prepared: it runs on every request. */
function loadQuery(db: Db) {
  return db
    .select({ data: sessions.data, userId: sessions.userId, user: users })
    .from(sessions)
    .leftJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.key, sql.placeholder('key')), gt(sessions.expireDate, sql`now()`)))
    .limit(1)
    .prepare('keen_load_session');
}

// Keyed by the database object, so tests with many databases each get their own statement.
const preparedLoads = new WeakMap<Db, ReturnType<typeof loadQuery>>();

/** Loads an unexpired session and its user; null for an unknown or expired key. */
export async function loadSession(db: Db, key: string): Promise<LoadedSession | null> {
  let query = preparedLoads.get(db);
  if (!query) {
    query = loadQuery(db);
    preparedLoads.set(db, query);
  }
  const row = (await query.execute({ key }))[0];
  return row ? { data: row.data, userId: row.userId, user: row.user } : null;
}

/**
 * Writes the session: deletes retired keys, then inserts (new key) or updates the row.
 * Returns false when the row vanished meanwhile (logged out elsewhere): it is not brought back.
 */
export async function saveSession(db: Db, session: Session, maxAgeSeconds: number): Promise<boolean> {
  const expireDate = new Date(Date.now() + maxAgeSeconds * 1000);
  const retired = session.takeRetiredKeys();
  if (retired.length > 0) await db.delete(sessions).where(inArray(sessions.key, retired));
  const values = { data: session.toJSON(), userId: session.userId, expireDate };
  if (session.key === null) {
    const key = newSessionKey();
    await db.insert(sessions).values({ key, ...values });
    session.assignKey(key);
    return true;
  }
  const updated = await db
    .update(sessions)
    .set(values)
    .where(eq(sessions.key, session.key))
    .returning({ key: sessions.key });
  return updated.length > 0;
}

/** Deletes one session row (logout, or a session emptied of data). */
export async function deleteSession(db: Db, keys: string[]): Promise<void> {
  if (keys.length > 0) await db.delete(sessions).where(inArray(sessions.key, keys));
}

/** Ends every session of a user except `keepKey` (after a password change). */
export async function deleteUserSessions(db: Db, userId: number, keepKey?: string | null): Promise<number> {
  const condition = keepKey
    ? and(eq(sessions.userId, userId), ne(sessions.key, keepKey))
    : eq(sessions.userId, userId);
  const deleted = await db.delete(sessions).where(condition).returning({ key: sessions.key });
  return deleted.length;
}

/** Deletes expired sessions (`keen clearsessions`); returns how many. */
export async function clearExpiredSessions(db: Db): Promise<number> {
  const deleted = await db
    .delete(sessions)
    .where(lte(sessions.expireDate, new Date()))
    .returning({ key: sessions.key });
  return deleted.length;
}
