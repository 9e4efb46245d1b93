/**
 * What a list of posts is about (all posts, a category, a tag, an author, a year or a month), read from
 * its address, and everything its page shows, read in a fixed number of queries. The routes in
 * ./list-routes.tsx turn addresses into listings; ./pages.tsx draws them.
 */
import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { NotFoundError } from '../../errors.js';
import { approvedCounts } from './comments/store.js';
import type { PageWindow } from './paginate.js';
import { pageWindow } from './paginate.js';
import {
  archiveCounts,
  countPublicPosts,
  findAuthor,
  findCategoryBySlug,
  findTagByName,
  listPublicPosts,
  type PostFilters,
  type PostSummary,
  publicWhere,
} from './queries.js';
import { categories, posts } from './schema.js';
import {
  archiveUrl,
  authorUrl,
  BLOG_PATH,
  categoryUrl,
  MONTH_SEGMENT,
  tagUrl,
  YEAR_SEGMENT,
} from './urls.js';

export const POSTS_PER_PAGE = 10;

/** Longer than any slug or tag name the schema allows: not worth a query. */
const MAX_LOOKUP_LENGTH = 200;
/** Archive years outside this range cannot hold a post (published_at is a real date). */
const FIRST_YEAR = 1970;

export type ListingSubject =
  | { kind: 'all' }
  | { kind: 'category'; name: string; slug: string }
  | { kind: 'tag'; name: string }
  | { kind: 'author'; id: number; name: string }
  | { kind: 'archive'; year: number; month?: number };

export interface Listing {
  subject: ListingSubject;
  /** The list's own address (no language prefix, no page). */
  path: string;
  filters: PostFilters;
}

export const ALL_POSTS: Listing = { subject: { kind: 'all' }, path: BLOG_PATH, filters: {} };

function lookupValue(value: string, what: string): string {
  if (value === '' || value.length > MAX_LOOKUP_LENGTH)
    throw new NotFoundError(`no ${what} "${value.slice(0, 50)}"`);
  return value;
}

export async function categoryListing(db: Db, slug: string): Promise<Listing> {
  const category = await findCategoryBySlug(db, lookupValue(slug, 'category'));
  if (!category) throw new NotFoundError(`no category "${slug.slice(0, 50)}"`);
  return {
    subject: { kind: 'category', name: category.name, slug: category.slug },
    path: categoryUrl(category.slug),
    filters: { categoryId: category.id },
  };
}

export async function tagListing(db: Db, name: string): Promise<Listing> {
  const tag = await findTagByName(db, lookupValue(name, 'tag'));
  if (!tag) throw new NotFoundError(`no tag "${name.slice(0, 50)}"`);
  return { subject: { kind: 'tag', name: tag.name }, path: tagUrl(tag.name), filters: { tagId: tag.id } };
}

export async function authorListing(db: Db, idText: string): Promise<Listing> {
  const id = /^[1-9][0-9]{0,8}$/.test(idText) ? Number(idText) : null;
  const author = id === null ? null : await findAuthor(db, id);
  if (!author) throw new NotFoundError(`no author "${idText.slice(0, 50)}"`);
  return {
    subject: { kind: 'author', id: author.id, name: author.name },
    path: authorUrl(author.id),
    filters: { authorId: author.id },
  };
}

/** A year (`2026`) or a month (`2026`, `03`) in the site's time zone; anything else is a 404. */
export function archiveListing(yearText: string, monthText: string | undefined, timeZone: string): Listing {
  const thisYear = new Date().getUTCFullYear();
  const year = YEAR_SEGMENT.test(yearText) ? Number(yearText) : Number.NaN;
  if (!(year >= FIRST_YEAR && year <= thisYear + 1)) throw new NotFoundError('no such archive year');
  if (monthText !== undefined && !MONTH_SEGMENT.test(monthText))
    throw new NotFoundError('no such archive month');
  const month = monthText === undefined ? undefined : Number(monthText);
  return {
    subject: { kind: 'archive', year, month },
    path: archiveUrl(year, month),
    filters: { period: { year, month, timeZone } },
  };
}

export interface ArchiveLink {
  year: number;
  month?: number;
  count: number;
}

export interface CategoryLink {
  name: string;
  slug: string;
  count: number;
}

export interface PostListContent {
  page: PageWindow;
  posts: PostSummary[];
  /** Approved comments per post id (posts without any are absent). */
  commentCounts: ReadonlyMap<number, number>;
  /** Years (on the main list) or the months of the year (on a year page) that hold posts. */
  archive: ArchiveLink[];
  /** Categories that hold public posts, on the main list. */
  categories: CategoryLink[];
}

/** Categories with their number of public posts, by name. */
async function categoryCounts(db: Db): Promise<CategoryLink[]> {
  return db
    .select({ name: categories.name, slug: categories.slug, count: count() })
    .from(categories)
    .innerJoin(posts, and(eq(posts.categoryId, categories.id), publicWhere(db, {})))
    .groupBy(categories.id, categories.name, categories.slug)
    .orderBy(categories.name)
    .limit(100);
}

/**
 * One page of a listing with what surrounds it: at most five queries (count, page, comment counts,
 * and on the main list and year pages the archive and categories). A page past the end, or an archive
 * period without posts, is a 404.
 */
export async function loadPostList(
  db: Db,
  listing: Listing,
  requested: number | 'last',
  timeZone: string,
): Promise<PostListContent> {
  const total = await countPublicPosts(db, listing.filters);
  const { subject } = listing;
  if (total === 0 && subject.kind === 'archive') throw new NotFoundError('no posts in this period');
  const page = pageWindow(requested, total, POSTS_PER_PAGE);
  if (!page) throw new NotFoundError(`page ${requested} is past the last page`);
  const list = await listPublicPosts(db, listing.filters, page);
  const yearPage = subject.kind === 'archive' && subject.month === undefined;
  const [commentCounts, archive, categoryLinks] = await Promise.all([
    approvedCounts(
      db,
      list.map((post) => post.id),
    ),
    subject.kind === 'all' || yearPage
      ? archiveCounts(db, timeZone, yearPage ? subject.year : undefined)
      : Promise.resolve([]),
    subject.kind === 'all' ? categoryCounts(db) : Promise.resolve([]),
  ]);
  return { page, posts: list, commentCounts, archive, categories: categoryLinks };
}
