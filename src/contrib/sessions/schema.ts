/**
 * The session table. `user_id` is a column (not only a key in `data`) so the session and its user load
 * in one query, and deleting a user deletes their sessions.
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
  },
  (t) => [index('keen_session_expire_idx').on(t.expireDate), index('keen_session_user_idx').on(t.userId)],
);
