/**
 * The session table. `user_id` is a column (not only a key in `data`) so the session and its user load
 * in one query, and deleting a user deletes their sessions. The browser's User-Agent, the address and
 * the times let a user recognise their sessions on the sessions page and end the ones they do not.
 */
import { index, integer, jsonb, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';
import { users } from '../auth/schema.js';

/** What a session stores: JSON-serialisable values keyed by name. */
export type SessionData = Record<string, unknown>;

export const sessions = pgTable(
  'keen_session',
  {
    key: varchar('session_key', { length: 64 }).primaryKey(),
    data: jsonb('session_data').$type<SessionData>().notNull(),
    expireDate: timestamp('expire_date', { withTimezone: true }).notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** As the browser sent it when the session began, cut to 300 characters. */
    userAgent: varchar('user_agent', { length: 300 }).notNull().default(''),
    /** The client's address when last seen (IPv6 fits in 45). */
    ip: varchar('ip', { length: 45 }).notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Updated at most every few minutes (SESSION_TOUCH_MS), not on every request. */
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('keen_session_expire_idx').on(t.expireDate), index('keen_session_user_idx').on(t.userId)],
);
