/**
 * The blog's Atom feeds (RFC 4287): `/blog/feed/`, and one per category, tag and author
 * (`<list>feed/`, ./list-routes.tsx). The 20 latest public posts, each with its sanitized HTML as content. The XML is written
 * here: every text goes through `xmlText`, which escapes the five XML characters and drops the
 * characters XML 1.0 cannot hold.
 */
import { and, desc, eq } from 'drizzle-orm';
import { users } from '../../contrib/auth/schema.js';
import type { Db } from '../../db/client.js';
import { storedOrRendered } from './markup/render.js';
import { type PostFilters, publicWhere } from './queries.js';
import { categories, posts } from './schema.js';

export const FEED_SIZE = 20;

export interface FeedEntry {
  title: string;
  slug: string;
  summary: string;
  html: string;
  publishedAt: Date;
  updatedAt: Date;
  author: string | null;
  category: string | null;
}

export async function loadFeedEntries(db: Db, filters: PostFilters): Promise<FeedEntry[]> {
  const rows = await db
    .select({
      title: posts.title,
      slug: posts.slug,
      summary: posts.summary,
      body: posts.body,
      bodyHtml: posts.bodyHtml,
      bodyFormat: posts.bodyFormat,
      publishedAt: posts.publishedAt,
      updatedAt: posts.updatedAt,
      author: users.username,
      category: categories.name,
    })
    .from(posts)
    .leftJoin(users, eq(posts.authorId, users.id))
    .leftJoin(categories, eq(posts.categoryId, categories.id))
    .where(and(publicWhere(db, filters)))
    .orderBy(desc(posts.publishedAt), desc(posts.id))
    .limit(FEED_SIZE);
  return Promise.all(
    rows.map(async (row) => ({
      title: row.title,
      slug: row.slug,
      summary: row.summary,
      html: await storedOrRendered(row.bodyHtml, row.body, row.bodyFormat),
      // publicWhere keeps only posts with a publication time.
      publishedAt: row.publishedAt ?? row.updatedAt,
      updatedAt: new Date(Math.max(row.updatedAt.getTime(), (row.publishedAt ?? row.updatedAt).getTime())),
      author: row.author,
      category: row.category,
    })),
  );
}

/** Text for an XML element or attribute. */
export function xmlText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface FeedHead {
  title: string;
  subtitle: string;
  /** Absolute URLs. */
  selfUrl: string;
  siteUrl: string;
  language: string;
}

export function atomFeed(head: FeedHead, entries: FeedEntry[], entryUrl: (slug: string) => string): string {
  const updated = entries.reduce(
    (latest, entry) => new Date(Math.max(latest.getTime(), entry.updatedAt.getTime())),
    new Date(0),
  );
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlText(head.language)}">`,
    `<title>${xmlText(head.title)}</title>`,
    head.subtitle ? `<subtitle>${xmlText(head.subtitle)}</subtitle>` : '',
    `<id>${xmlText(head.selfUrl)}</id>`,
    `<link rel="self" type="application/atom+xml" href="${xmlText(head.selfUrl)}"/>`,
    `<link rel="alternate" type="text/html" href="${xmlText(head.siteUrl)}"/>`,
    `<updated>${(entries.length > 0 ? updated : new Date(0)).toISOString()}</updated>`,
    ...entries.map((entry) => {
      const url = entryUrl(entry.slug);
      return [
        '<entry>',
        `<title>${xmlText(entry.title)}</title>`,
        `<id>${xmlText(url)}</id>`,
        `<link rel="alternate" type="text/html" href="${xmlText(url)}"/>`,
        `<published>${entry.publishedAt.toISOString()}</published>`,
        `<updated>${entry.updatedAt.toISOString()}</updated>`,
        `<author><name>${xmlText(entry.author ?? head.title)}</name></author>`,
        entry.category ? `<category term="${xmlText(entry.category)}"/>` : '',
        entry.summary ? `<summary>${xmlText(entry.summary)}</summary>` : '',
        `<content type="html">${xmlText(entry.html)}</content>`,
        '</entry>',
      ].join('');
    }),
    '</feed>',
  ];
  return `${lines.filter(Boolean).join('\n')}\n`;
}
