/**
 * The blog: posts in categories, with tags, a cover image and "further reading" links.
 * The foreign keys say what deleting does: a category with posts cannot be deleted (restrict), a
 * post's links and tag links go with it (cascade), a deleted author leaves the post authorless.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  customType,
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

/** How a post's body is written: Markdown (CommonMark + GFM), or HTML (posts from the Django site's CKEditor). */
export const bodyFormat = pgEnum('blog_body_format', ['markdown', 'html']);

/** PostgreSQL's full-text document type; only the database reads it (a generated column). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

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
    bodyFormat: bodyFormat('body_format').notNull().default('markdown'),
    /** The body rendered and sanitized on save; what pages show (never the source). */
    bodyHtml: text('body_html').notNull().default(''),
    /** For search engines and link previews; derived from the summary or body when empty. */
    metaDescription: varchar('meta_description', { length: 160 }).notNull().default(''),
    commentsOpen: boolean('comments_open').notNull().default(true),
    status: postStatus('status').notNull().default('draft'),
    categoryId: integer('category_id').references(() => categories.id, { onDelete: 'restrict' }),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    readingMinutes: integer('reading_minutes').notNull().default(1),
    cover: imageField('cover'),
    /** Free-form data for templates (e.g. `{"canonical": "https://…"}`). */
    extra: jsonb('extra').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Title (weight A), summary (B) and body (C) under both the Russian and the English configuration,
     * so a search finds a word's forms in either language (`походы` finds `поход`, `walking` `walk`).
     */
    searchVector: tsvector('search_vector').generatedAlwaysAs(
      sql`setweight(to_tsvector('russian', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('russian', coalesce(summary, '')), 'B') || setweight(to_tsvector('english', coalesce(summary, '')), 'B') || setweight(to_tsvector('russian', coalesce(body, '')), 'C') || setweight(to_tsvector('english', coalesce(body, '')), 'C')`,
    ),
  },
  (t) => [
    check('blog_post_reading_minutes_positive', sql`${t.readingMinutes} > 0`),
    index('blog_post_search_idx').using('gin', t.searchVector),
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

/**
 * A reader's comment. It waits for moderation (`isApproved` false) before anyone sees it; the email is
 * for the site's owner only and is never rendered on a public page. `clientKey` is a keyed hash of the
 * sender's address (IPv6 by /64), for the per-client rate limit, so no address is stored.
 */
export const comments = pgTable(
  'blog_comment',
  {
    id: serial('id').primaryKey(),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    name: varchar('name', { length: 100 }).notNull(),
    email: varchar('email', { length: 254 }).notNull().default(''),
    url: urlField('url', 500),
    body: text('body').notNull(),
    isApproved: boolean('is_approved').notNull().default(false),
    clientKey: varchar('client_key', { length: 64 }).notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('blog_comment_post_idx').on(t.postId, t.isApproved, t.createdAt),
    index('blog_comment_client_idx').on(t.clientKey, t.createdAt),
    check('blog_comment_body_length', sql`char_length(${t.body}) <= 5000`),
  ],
);

export type PostRow = typeof posts.$inferSelect;
export type CommentRow = typeof comments.$inferSelect;
