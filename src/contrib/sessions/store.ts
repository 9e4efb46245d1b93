/**
 * The session store: PostgreSQL (or PGlite) table `keen_session`. The session row and its user come
 * back in one query, so an authenticated request costs one round trip before the view runs.
 */
import { and, desc, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { type UserRow, users } from '../auth/schema.js';
import { sessions } from './schema.js';
import { newSessionKey, type Session } from './session.js';

export interface LoadedSession {
  data: Record<string, unknown>;
  userId: number | null;
  user: UserRow | null;
  lastSeen: Date;
}

/** A session's "last seen" is written at most this often, so reading pages costs no write. */
export const SESSION_TOUCH_MS = 5 * 60 * 1000;

/** Who opened a session: shown on the user's sessions page. */
export interface SessionClient {
  userAgent: string;
  ip: string;
}

/** The session-and-user query, built once per database and prepared: it runs on every request. */
function loadQuery(db: Db) {
  return db
    .select({ data: sessions.data, userId: sessions.userId, lastSeen: sessions.lastSeen, user: users })
    .from(sessions)
    .leftJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.key, sql.placeholder('key')), gt(sessions.expireDate, sql`now()`)))
    .limit(1)
    .prepare('keen_load_session');
}

/** The insert of a new session, prepared: every first visit to a page with a form writes one. */
function insertQuery(db: Db) {
  return db
    .insert(sessions)
    .values({
      key: sql.placeholder('key'),
      data: sql.placeholder('data'),
      userId: sql.placeholder('userId'),
      expireDate: sql.placeholder('expireDate'),
      userAgent: sql.placeholder('userAgent'),
      ip: sql.placeholder('ip'),
    })
    .prepare('keen_insert_session');
}

/** The update of a session's row, prepared; returns the key when the row still exists. */
function updateQuery(db: Db) {
  return (
    db
      .update(sessions)
      // Drizzle's types take placeholders in insert values but not in update sets; at run time both are
      // bound parameters encoded by their column (jsonb, timestamptz), which the session tests cover.
      .set({
        data: sql.placeholder('data'),
        userId: sql.placeholder('userId'),
        expireDate: sql.placeholder('expireDate'),
        ip: sql.placeholder('ip'),
        lastSeen: sql`now()`,
      } as unknown as Partial<typeof sessions.$inferInsert>)
      .where(eq(sessions.key, sql.placeholder('key')))
      .returning({ key: sessions.key })
      .prepare('keen_update_session')
  );
}

interface PreparedStatements {
  load: ReturnType<typeof loadQuery>;
  insert: ReturnType<typeof insertQuery>;
  update: ReturnType<typeof updateQuery>;
}

// Keyed by the database object, so tests with many databases each get their own statements.
const prepared = new WeakMap<Db, PreparedStatements>();

function statementsFor(db: Db): PreparedStatements {
  let statements = prepared.get(db);
  if (!statements) {
    statements = { load: loadQuery(db), insert: insertQuery(db), update: updateQuery(db) };
    prepared.set(db, statements);
  }
  return statements;
}

/** Loads an unexpired session and its user; null for an unknown or expired key. */
export async function loadSession(db: Db, key: string): Promise<LoadedSession | null> {
  const row = (await statementsFor(db).load.execute({ key }))[0];
  return row ? { data: row.data, userId: row.userId, user: row.user, lastSeen: row.lastSeen } : null;
}

/**
 * Writes the session: deletes retired keys, then inserts (new key) or updates the row.
 * Returns false when the row vanished meanwhile (logged out elsewhere): it is not brought back.
 */
export async function saveSession(
  db: Db,
  session: Session,
  maxAgeSeconds: number,
  client: SessionClient,
): Promise<boolean> {
  const expireDate = new Date(Date.now() + maxAgeSeconds * 1000);
  const retired = session.takeRetiredKeys();
  if (retired.length > 0) await db.delete(sessions).where(inArray(sessions.key, retired));
  const values = { data: session.toJSON(), userId: session.userId, expireDate, ip: client.ip };
  const statements = statementsFor(db);
  if (session.key === null) {
    const key = newSessionKey();
    await statements.insert.execute({ key, ...values, userAgent: client.userAgent });
    session.assignKey(key);
    return true;
  }
  const updated = await statements.update.execute({ key: session.key, ...values });
  return updated.length > 0;
}

/** Notes that a session was used now, from `ip` (the sessions page shows it). */
export async function touchSession(db: Db, key: string, ip: string): Promise<void> {
  await db.update(sessions).set({ lastSeen: sql`now()`, ip }).where(eq(sessions.key, key));
}

export interface UserSessionRow {
  key: string;
  userAgent: string;
  ip: string;
  createdAt: Date;
  lastSeen: Date;
}

/** A user's unexpired sessions, the most recently used first. */
export async function listUserSessions(db: Db, userId: number): Promise<UserSessionRow[]> {
  return db
    .select({
      key: sessions.key,
      userAgent: sessions.userAgent,
      ip: sessions.ip,
      createdAt: sessions.createdAt,
      lastSeen: sessions.lastSeen,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expireDate, sql`now()`)))
    .orderBy(desc(sessions.lastSeen))
    .limit(100);
}

/** Deletes one session row (logout, or a session emptied of data). */
export async function deleteSession(db: Db, keys: string[]): Promise<void> {
  if (keys.length > 0) await db.delete(sessions).where(inArray(sessions.key, keys));
}

/** Ends every session of a user except `keepKey` (after a password change). */
export async function deleteUserSessions(
  db: Db | Tx,
  userId: number,
  keepKey?: string | null,
): Promise<number> {
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
