/**
 * Sessions in the site's database (PostgreSQL or PGlite), table `keen_session`: the default store. The
 * session row and its user come back in one query, so an authenticated request costs one round trip
 * before the view runs.
 */
import { and, count, desc, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { users } from '../auth/schema.js';
import { sessions } from './schema.js';
import { newSessionKey, type Session } from './session.js';
import {
  LISTED_SESSIONS,
  type LoadedSession,
  type SessionClient,
  type SessionStore,
  type UserSessionRow,
} from './store.js';

/** The session-and-user query, prepared: it runs on every request that carries a session cookie. */
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

export class DatabaseSessionStore implements SessionStore {
  readonly kind = 'database';
  private readonly statements: {
    load: ReturnType<typeof loadQuery>;
    insert: ReturnType<typeof insertQuery>;
    update: ReturnType<typeof updateQuery>;
  };

  constructor(private readonly db: Db) {
    this.statements = { load: loadQuery(db), insert: insertQuery(db), update: updateQuery(db) };
  }

  async load(key: string): Promise<LoadedSession | null> {
    const row = (await this.statements.load.execute({ key }))[0];
    return row ? { data: row.data, userId: row.userId, user: row.user, lastSeen: row.lastSeen } : null;
  }

  async save(session: Session, maxAgeSeconds: number, client: SessionClient): Promise<boolean> {
    const expireDate = new Date(Date.now() + maxAgeSeconds * 1000);
    const retired = session.takeRetiredKeys();
    if (retired.length > 0) await this.db.delete(sessions).where(inArray(sessions.key, retired));
    const values = { data: session.toJSON(), userId: session.userId, expireDate, ip: client.ip };
    if (session.key === null) {
      const key = newSessionKey();
      await this.statements.insert.execute({ key, ...values, userAgent: client.userAgent });
      session.assignKey(key);
      return true;
    }
    const updated = await this.statements.update.execute({ key: session.key, ...values });
    return updated.length > 0;
  }

  async touch(key: string, ip: string): Promise<void> {
    await this.db.update(sessions).set({ lastSeen: sql`now()`, ip }).where(eq(sessions.key, key));
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.db.delete(sessions).where(inArray(sessions.key, [...keys]));
  }

  async listForUser(userId: number): Promise<UserSessionRow[]> {
    return this.db
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
      .limit(LISTED_SESSIONS);
  }

  async deleteForUser(userId: number, keepKey?: string | null, tx?: Tx): Promise<number> {
    const condition = keepKey
      ? and(eq(sessions.userId, userId), ne(sessions.key, keepKey))
      : eq(sessions.userId, userId);
    const deleted = await (tx ?? this.db).delete(sessions).where(condition).returning({ key: sessions.key });
    return deleted.length;
  }

  async clearExpired(): Promise<number> {
    const deleted = await this.db
      .delete(sessions)
      .where(lte(sessions.expireDate, new Date()))
      .returning({ key: sessions.key });
    return deleted.length;
  }

  async count(): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(sessions)
      .where(gt(sessions.expireDate, sql`now()`));
    return row?.n ?? 0;
  }
}
