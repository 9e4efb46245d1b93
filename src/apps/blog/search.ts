/**
 * Public search (`/blog/?q=`): PostgreSQL full text over the posts' generated `search_vector` (title,
 * summary and body under the Russian and English configurations), queried in both languages, ranked
 * with title matches first, with a highlighted snippet. Two queries per page (the count and the page).
 */
import { and, count, desc, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { escapeHtml } from '../../text/html.js';
import { publicWhere } from './queries.js';
import { posts } from './schema.js';

/** Longer queries are refused (400): nobody types them, and each word costs work. */
export const MAX_QUERY_LENGTH = 200;

// Private-use characters mark the highlighted words in ts_headline's output, which is then escaped
// as plain text: the snippet never carries markup from a post.
const START = '\uE000';
const STOP = '\uE001';

export interface SearchHit {
  title: string;
  slug: string;
  publishedAt: Date;
  /** Escaped HTML with `<mark>` around the matched words. */
  snippetHtml: string;
}

function tsQuery(text: string) {
  return sql`(websearch_to_tsquery('russian', ${text}) || websearch_to_tsquery('english', ${text}))`;
}

/**
 * The text snippets come from: the body without HTML tags and the Markdown marks that read as noise
 * in a sentence (code fences, backticks, bold and strike marks), or the summary when there is no body.
 * The summary is not added to a body: it is usually the body's first lines, and would show twice.
 */
const SNIPPET_NOISE = '<[^>]*>|```[A-Za-z0-9_+-]*|`|[*][*]|~~';
const snippetSource = sql`regexp_replace(coalesce(nullif(${posts.body}, ''), ${posts.summary}), ${SNIPPET_NOISE}, ' ', 'g')`;

/** A ts_headline result as safe HTML. */
export function snippetHtml(headline: string): string {
  return escapeHtml(headline).replaceAll(START, '<mark>').replaceAll(STOP, '</mark>');
}

export async function countSearchHits(db: Db, text: string): Promise<number> {
  const [row] = await db
    .select({ total: count() })
    .from(posts)
    .where(and(publicWhere(db, {}), sql`${posts.searchVector} @@ ${tsQuery(text)}`));
  return row?.total ?? 0;
}

export async function searchPosts(
  db: Db,
  text: string,
  page: { offset: number; limit: number },
): Promise<SearchHit[]> {
  const query = tsQuery(text);
  const rows = await db
    .select({
      title: posts.title,
      slug: posts.slug,
      publishedAt: posts.publishedAt,
      headline: sql<string>`ts_headline('russian', ${snippetSource}, ${query}, ${`StartSel=${START}, StopSel=${STOP}, MaxWords=35, MinWords=15, MaxFragments=2`})`,
      rank: sql<number>`ts_rank_cd(${posts.searchVector}, ${query})`,
    })
    .from(posts)
    .where(and(publicWhere(db, {}), sql`${posts.searchVector} @@ ${query}`))
    .orderBy(desc(sql`ts_rank_cd(${posts.searchVector}, ${query})`), desc(posts.publishedAt))
    .limit(page.limit)
    .offset(page.offset);
  return rows.map((row) => ({
    title: row.title,
    slug: row.slug,
    publishedAt: row.publishedAt ?? new Date(0),
    snippetHtml: snippetHtml(row.headline ?? ''),
  }));
}
