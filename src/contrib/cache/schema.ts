/**
 * The database cache's table (CACHE_STORE=database). Values are JSON text; a row past `expires_at` is
 * treated as absent by every read and deleted now and then by writes (./database-cache.ts). The key
 * column is wider than a caller's key (200) for the suffixes the cache adds itself (getOrSet's lock).
 */
import { index, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core';

export const cacheEntries = pgTable(
  'keen_cache',
  {
    key: varchar('cache_key', { length: 250 }).primaryKey(),
    value: text('value').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('keen_cache_expires_idx').on(t.expiresAt)],
);
