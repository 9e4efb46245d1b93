/**
 * The session store (Django's SESSION_ENGINE): what the sessions stage, the sessions page, logout
 * everywhere and `keen clearsessions` ask of wherever sessions live. Two kinds, chosen by SESSION_STORE:
 * the site's database (./database-store.ts, the default) and Redis (./redis-store.ts). Both pass
 * test/stores/session-conformance.test.ts.
 */
import type { Db, Tx } from '../../db/client.js';
import type { StoreSettings } from '../../settings/stores.js';
import type { RedisConnection } from '../../stores/redis.js';
import type { UserRow } from '../auth/schema.js';
import { DatabaseSessionStore } from './database-store.js';
import { RedisSessionStore } from './redis-store.js';
import type { Session } from './session.js';

export interface LoadedSession {
  data: Record<string, unknown>;
  userId: number | null;
  /** The session's user, read with it (null when anonymous or the user is gone). */
  user: UserRow | null;
  lastSeen: Date;
}

/** Who opened a session: shown on the user's sessions page. */
export interface SessionClient {
  userAgent: string;
  ip: string;
}

export interface UserSessionRow {
  key: string;
  userAgent: string;
  ip: string;
  createdAt: Date;
  lastSeen: Date;
}

/** A session's "last seen" is written at most this often, so reading pages costs no write. */
export const SESSION_TOUCH_MS = 5 * 60 * 1000;

/** At most this many of a user's sessions are listed on their sessions page. */
export const LISTED_SESSIONS = 100;

export interface SessionStore {
  readonly kind: 'database' | 'redis';
  /** An unexpired session and its user; null for an unknown or expired key. */
  load(key: string): Promise<LoadedSession | null>;
  /**
   * Writes the session: deletes its retired keys, then creates it under a new key (`session.key` is
   * null) or updates it. Returns false when it vanished meanwhile (logged out elsewhere): it is not
   * brought back.
   */
  save(session: Session, maxAgeSeconds: number, client: SessionClient): Promise<boolean>;
  /** Notes that a session was used now, from `ip`; a vanished session stays gone. */
  touch(key: string, ip: string): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
  /** A user's unexpired sessions, the most recently used first (at most LISTED_SESSIONS). */
  listForUser(userId: number): Promise<UserSessionRow[]>;
  /**
   * Ends every session of a user except `keepKey`; returns how many. On the database it joins `tx`, so
   * it commits with the change that asked for it; on Redis it happens at once (a rolled-back change
   * leaves the user logged out, never the other way round).
   */
  deleteForUser(userId: number, keepKey?: string | null, tx?: Tx): Promise<number>;
  /** Deletes expired sessions (`keen clearsessions`); returns how many. */
  clearExpired(): Promise<number>;
  /** How many unexpired sessions there are (the metrics' keen_sessions). */
  count(): Promise<number>;
}

/** The store SESSION_STORE names; Redis needs the process's connection. */
export function openSessionStore(
  settings: Pick<StoreSettings, 'sessionStore'>,
  db: Db,
  redis: RedisConnection | null,
): SessionStore {
  if (settings.sessionStore === 'redis') {
    if (!redis) throw new Error('SESSION_STORE is redis but no Redis connection was opened');
    return new RedisSessionStore(redis, db);
  }
  return new DatabaseSessionStore(db);
}
