/**
 * The site's own settings, edited in the admin: one row (id 1), made by the migration, so pages never
 * meet an empty table. Pages read it through ./settings.ts, which keeps it in memory.
 */
import { sql } from 'drizzle-orm';
import { check, integer, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core';

export const siteSettings = pgTable(
  'site_settings',
  {
    id: integer('id').primaryKey().default(1),
    /** Shown in the header, titles and feeds. */
    siteName: varchar('site_name', { length: 100 }).notNull().default('Keen'),
    tagline: varchar('tagline', { length: 200 }).notNull().default(''),
    /** The home page's about text (Markdown, rendered and sanitized like a post). */
    about: text('about').notNull().default(''),
    /** Extra lines for robots.txt after the ones Keen writes (the sitemap line is always added). */
    robotsTxt: text('robots_txt').notNull().default(''),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('site_settings_single_row', sql`${t.id} = 1`)],
);

export type SiteSettingsRow = typeof siteSettings.$inferSelect;
