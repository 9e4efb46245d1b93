/**
 * The blog's public reads. A post is public when its status is `published` and its publication time
 * has come; every query here applies that rule, filters and orders on the (status, published_at)
 * index, and fetches a bounded number of rows.
 */
import { and, asc, count, desc, eq, inArray, lte, type SQL, sql } from 'drizzle-orm';
import { users } from '../../contrib/auth/schema.js';
import type { StoredImage } from '../../contrib/media/fields.js';
import type { Db } from '../../db/client.js';
import { categories, postLinks, posts, postTags, tags } from './schema.js';

/** At most this many tags and links are shown on a post (the admin can hold more; the page stays small). */
export const MAX_TAGS_SHOWN = 50;
export const MAX_LINKS_SHOWN = 50;

export interface CategoryRef {
  id: number;
  name: string;
  slug: string;
}

export interface TagRef {
  id: number;
  name: string;
}

/** A post as the list shows it. */
export interface PostSummary {
  id: number;
  title: string;
  slug: string;
  summary: string;
  publishedAt: Date;
  readingMinutes: number;
  category: { name: string; slug: string } | null;
}

/** A post as its own page shows it. */
export interface PostDetail extends PostSummary {
  body: string;
  /** The sanitized HTML made on save ('' for a post saved before bodies were rendered). */
  bodyHtml: string;
  bodyFormat: 'markdown' | 'html';
  metaDescription: string;
  updatedAt: Date;
  commentsOpen: boolean;
  /** The author's name as shown (full name, else username), or null. */
  author: string | null;
  /** For the link to the author's page. */
  authorId: number | null;
  cover: StoredImage | null;
  tags: string[];
  links: { title: string; url: string }[];
}

export interface AuthorRef {
  id: number;
  /** Full name, else username. */
  name: string;
}

/** A calendar year, or one month of it, in the site's TIME_ZONE. */
export interface Period {
  year: number;
  month?: number;
  timeZone: string;
}

/** Narrows the list; absent filters match every public post. */
export interface PostFilters {
  categoryId?: number;
  tagId?: number;
  authorId?: number;
  period?: Period;
}

/** Published, and the publication time has come (the database's clock decides, one clock for all workers). */
function isPublic(): SQL {
  return and(eq(posts.status, 'published'), lte(posts.publishedAt, sql`now()`)) as SQL;
}

export function publicWhere(db: Db, filters: PostFilters): SQL {
  const conditions = [isPublic()];
  if (filters.categoryId !== undefined) conditions.push(eq(posts.categoryId, filters.categoryId));
  if (filters.tagId !== undefined) {
    // Through blog_post_tags_tag_idx: the posts carrying the tag, then the public ones among them.
    const tagged = db
      .select({ postId: postTags.postId })
      .from(postTags)
      .where(eq(postTags.tagId, filters.tagId));
    conditions.push(inArray(posts.id, tagged));
  }
  if (filters.authorId !== undefined) conditions.push(eq(posts.authorId, filters.authorId));
  if (filters.period) {
    // The period's first and next-first local midnight as instants, so the index on published_at serves.
    const { year, month, timeZone } = filters.period;
    const start = sql`make_timestamp(${year}::int, ${month ?? 1}::int, 1, 0, 0, 0)`;
    const step = month === undefined ? sql`interval '1 year'` : sql`interval '1 month'`;
    conditions.push(sql`${posts.publishedAt} >= (${start} at time zone ${timeZone})`);
    conditions.push(sql`${posts.publishedAt} < ((${start} + ${step}) at time zone ${timeZone})`);
  }
  return and(...conditions) as SQL;
}

const summaryColumns = {
  id: posts.id,
  title: posts.title,
  slug: posts.slug,
  summary: posts.summary,
  publishedAt: posts.publishedAt,
  readingMinutes: posts.readingMinutes,
  categoryName: categories.name,
  categorySlug: categories.slug,
};

type SummaryRow = {
  id: number;
  title: string;
  slug: string;
  summary: string;
  publishedAt: Date | null;
  readingMinutes: number;
  categoryName: string | null;
  categorySlug: string | null;
};

function toSummary(row: SummaryRow): PostSummary {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    summary: row.summary,
    // isPublic() keeps only posts with a publication time.
    publishedAt: row.publishedAt!,
    readingMinutes: row.readingMinutes,
    category:
      row.categoryName !== null && row.categorySlug !== null
        ? { name: row.categoryName, slug: row.categorySlug }
        : null,
  };
}

export async function findCategoryBySlug(db: Db, slug: string): Promise<CategoryRef | null> {
  const [row] = await db
    .select({ id: categories.id, name: categories.name, slug: categories.slug })
    .from(categories)
    .where(eq(categories.slug, slug))
    .limit(1);
  return row ?? null;
}

export async function findTagByName(db: Db, name: string): Promise<TagRef | null> {
  const [row] = await db
    .select({ id: tags.id, name: tags.name })
    .from(tags)
    .where(eq(tags.name, name))
    .limit(1);
  return row ?? null;
}

/** The user with this id, when at least one public post is theirs (no page lists a user who wrote none). */
export async function findAuthor(db: Db, id: number): Promise<AuthorRef | null> {
  const [row] = await db
    .select({ id: users.id, username: users.username, firstName: users.firstName, lastName: users.lastName })
    .from(users)
    .where(
      and(eq(users.id, id), sql`exists (select 1 from ${posts} where ${publicWhere(db, { authorId: id })})`),
    )
    .limit(1);
  return row ? { id: row.id, name: displayName(row) ?? row.username } : null;
}

function displayName(row: { username: string | null; firstName: string | null; lastName: string | null }) {
  return `${row.firstName ?? ''} ${row.lastName ?? ''}`.trim() || row.username || null;
}

/** How many public posts each year (or, given a year, each month of it) holds, newest first. */
export async function archiveCounts(
  db: Db,
  timeZone: string,
  year?: number,
): Promise<{ year: number; month?: number; count: number }[]> {
  const local = sql`(${posts.publishedAt} at time zone ${timeZone})`;
  const unit = year === undefined ? sql`year` : sql`month`;
  const part = sql<number>`extract(${unit} from ${local})::int`;
  const rows = await db
    .select({ part, count: count() })
    .from(posts)
    .where(publicWhere(db, year === undefined ? {} : { period: { year, timeZone } }))
    // By position: the time zone is a parameter, so a repeated expression would not match the select's.
    .groupBy(sql`1`)
    .orderBy(sql`1 desc`);
  return rows.map((row) =>
    year === undefined
      ? { year: Number(row.part), count: row.count }
      : { year, month: Number(row.part), count: row.count },
  );
}

export async function countPublicPosts(db: Db, filters: PostFilters): Promise<number> {
  const [row] = await db.select({ total: count() }).from(posts).where(publicWhere(db, filters));
  return row?.total ?? 0;
}

/** One page of public posts, newest first (the id breaks ties, so pages never overlap). */
export async function listPublicPosts(
  db: Db,
  filters: PostFilters,
  page: { offset: number; limit: number },
): Promise<PostSummary[]> {
  const rows = await db
    .select(summaryColumns)
    .from(posts)
    .leftJoin(categories, eq(posts.categoryId, categories.id))
    .where(publicWhere(db, filters))
    .orderBy(desc(posts.publishedAt), desc(posts.id))
    .limit(page.limit)
    .offset(page.offset);
  return rows.map(toSummary);
}

/** The public post with this slug, with its tags and links; null for drafts and future posts. */
export async function findPublicPost(db: Db, slug: string): Promise<PostDetail | null> {
  const [row] = await db
    .select({
      ...summaryColumns,
      body: posts.body,
      bodyHtml: posts.bodyHtml,
      bodyFormat: posts.bodyFormat,
      metaDescription: posts.metaDescription,
      updatedAt: posts.updatedAt,
      commentsOpen: posts.commentsOpen,
      cover: posts.cover,
      authorId: posts.authorId,
      authorUsername: users.username,
      authorFirstName: users.firstName,
      authorLastName: users.lastName,
    })
    .from(posts)
    .leftJoin(categories, eq(posts.categoryId, categories.id))
    .leftJoin(users, eq(posts.authorId, users.id))
    .where(and(eq(posts.slug, slug), isPublic()))
    .limit(1);
  if (!row) return null;
  const [tagRows, linkRows] = await Promise.all([
    db
      .select({ name: tags.name })
      .from(postTags)
      .innerJoin(tags, eq(postTags.tagId, tags.id))
      .where(eq(postTags.postId, row.id))
      .orderBy(asc(tags.name))
      .limit(MAX_TAGS_SHOWN),
    db
      .select({ title: postLinks.title, url: postLinks.url })
      .from(postLinks)
      .where(eq(postLinks.postId, row.id))
      .orderBy(asc(postLinks.position), asc(postLinks.id))
      .limit(MAX_LINKS_SHOWN),
  ]);
  return {
    ...toSummary(row),
    body: row.body,
    bodyHtml: row.bodyHtml,
    bodyFormat: row.bodyFormat,
    metaDescription: row.metaDescription,
    updatedAt: row.updatedAt,
    commentsOpen: row.commentsOpen,
    author: displayName({
      username: row.authorUsername,
      firstName: row.authorFirstName,
      lastName: row.authorLastName,
    }),
    authorId: row.authorId,
    cover: row.cover ?? null,
    tags: tagRows.map((tag) => tag.name),
    links: linkRows,
  };
}

export interface Neighbour {
  title: string;
  slug: string;
}

/**
 * The public posts just before and after `post` by publication time (the id breaks ties), for the
 * post page's previous/next links: two one-row queries through the (status, published_at) index.
 */
export async function neighboursOf(
  db: Db,
  post: { id: number; publishedAt: Date },
): Promise<{ previous: Neighbour | null; next: Neighbour | null }> {
  const at = post.publishedAt;
  const columns = { title: posts.title, slug: posts.slug };
  const [previous, next] = await Promise.all([
    db
      .select(columns)
      .from(posts)
      .where(
        and(
          isPublic(),
          sql`(${posts.publishedAt}, ${posts.id}) < (${at.toISOString()}::timestamptz, ${post.id})`,
        ),
      )
      .orderBy(desc(posts.publishedAt), desc(posts.id))
      .limit(1),
    db
      .select(columns)
      .from(posts)
      .where(
        and(
          isPublic(),
          sql`(${posts.publishedAt}, ${posts.id}) > (${at.toISOString()}::timestamptz, ${post.id})`,
        ),
      )
      .orderBy(asc(posts.publishedAt), asc(posts.id))
      .limit(1),
  ]);
  return { previous: previous[0] ?? null, next: next[0] ?? null };
}
