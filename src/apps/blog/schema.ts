/**
 * The blog: posts in categories, with tags, a cover image and "further reading" links.
 * The foreign keys say what deleting does: a category with posts cannot be deleted (restrict), a
 * post's links and tag links go with it (cascade), a deleted author leaves the post authorless.
 */
import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  varchar,
} from 'drizzle-orm/pg-core';
import { users } from '../../contrib/auth/schema.js';
import { imageField } from '../../contrib/media/fields.js';
import { urlField } from '../../db/url-field.js';

export const postStatus = pgEnum('blog_post_status', ['draft', 'published']);

export const categories = pgTable('blog_category', {
  id: serial('id').primaryKey(),
  name: varchar('name', { length: 100 }).notNull().unique(),
  slug: varchar('slug', { length: 100 }).notNull().unique(),
});

export const tags = pgTable('blog_tag', {
  id: serial('id').primaryKey(),
  name: varchar('name', { length: 50 }).notNull().unique(),
});

export const posts = pgTable(
  'blog_post',
  {
    id: serial('id').primaryKey(),
    title: varchar('title', { length: 200 }).notNull(),
    slug: varchar('slug', { length: 200 }).notNull().unique(),
    summary: varchar('summary', { length: 300 }).notNull().default(''),
    body: text('body').notNull().default(''),
    status: postStatus('status').notNull().default('draft'),
    categoryId: integer('category_id').references(() => categories.id, { onDelete: 'restrict' }),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    readingMinutes: integer('reading_minutes').notNull().default(1),
    cover: imageField('cover'),
    /** Free-form data for templates (e.g. `{"canonical": "https://…"}`). */
    extra: jsonb('extra').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('blog_post_reading_minutes_positive', sql`${t.readingMinutes} > 0`),
    index('blog_post_published_idx').on(t.status, t.publishedAt),
    index('blog_post_category_idx').on(t.categoryId),
    index('blog_post_author_idx').on(t.authorId),
  ],
);

export const postTags = pgTable(
  'blog_post_tags',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.postId, t.tagId] }), index('blog_post_tags_tag_idx').on(t.tagId)],
);

export const postLinks = pgTable(
  'blog_post_link',
  {
    id: serial('id').primaryKey(),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    title: varchar('title', { length: 200 }).notNull(),
    url: urlField('url', 500).notNull(),
    position: integer('position').notNull().default(0),
  },
  (t) => [index('blog_post_link_post_idx').on(t.postId)],
);

export type PostRow = typeof posts.$inferSelect;
