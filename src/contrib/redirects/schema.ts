/**
 * Old addresses and where they went (Django's contrib.redirects): looked up only when a GET or HEAD
 * would answer 404, so a page that exists is never slowed by it. An empty `new_path` answers 410 Gone.
 * `keen import-django` fills it with the Django site's addresses that changed; editors add their own.
 */
import { sql } from 'drizzle-orm';
import { check, pgTable, serial, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';

export const redirects = pgTable(
  'redirect',
  {
    id: serial('id').primaryKey(),
    /** The path as a browser asks for it, without the host: `/media/uploads/2025/06/фото.jpg`. */
    oldPath: varchar('old_path', { length: 500 }).notNull(),
    /** A path on this site or an absolute http(s) URL; empty for "gone". */
    newPath: varchar('new_path', { length: 1000 }).notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('redirect_old_path_key').on(t.oldPath),
    check('redirect_old_path_is_path', sql`${t.oldPath} LIKE '/%' AND ${t.oldPath} NOT LIKE '//%'`),
    check(
      'redirect_new_path_is_address',
      sql`${t.newPath} = '' OR (${t.newPath} LIKE '/%' AND ${t.newPath} NOT LIKE '//%') OR ${t.newPath} ~ '^https?://'`,
    ),
  ],
);

export type RedirectRow = typeof redirects.$inferSelect;
