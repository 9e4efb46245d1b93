/**
 * The Django blog into Keen's: categories (by slug), tags (by name), posts (by slug, kept exactly, so
 * every /blog/<slug>/ link still finds its post), their tags, and comments with their moderation state.
 *
 * A post's CKEditor HTML is kept as its source (body format "html") and rendered through the same
 * sanitizer an admin save uses; the report lists the posts whose HTML it changed (a `<script>`, an
 * inline style). The excerpt becomes the summary (Keen's is 300 characters, Django's 500: longer ones are
 * cut at a word); `meta_keywords` goes into `extra`. With the media step (./media.ts) the featured image
 * becomes the cover and links to uploads point at Keen's copies; without it the image's file name is
 * kept in `extra` and the HTML as written. A comment's IP address is not kept (Keen stores none); the
 * report says how many had one.
 */
import { sql } from 'drizzle-orm';
import { type BodyRenderer, loadBodyRenderer } from '../apps/blog/markup/render.js';
import { isReservedSlug, plainTextOf, readingMinutesOf, shortenAtWord } from '../apps/blog/post-rules.js';
import { categories, comments, posts, postTags, tags } from '../apps/blog/schema.js';
import { sameValue } from '../contrib/admin/save.js';
import { type Db, queryRows, type Tx } from '../db/client.js';
import type { ImportedMedia } from './media.js';
import { idsAfterWrite, type LinkPlan, planLinkTable, planTable, type TablePlan } from './plan.js';
import { removedMarkup } from './removed-markup.js';
import type { DjangoSource } from './source.js';

export const BLOG_TABLES = [
  'blog_category',
  'blog_tag',
  'blog_post',
  'blog_post_tags',
  'blog_comment',
] as const;

const SUMMARY_LENGTH = 300;
const META_LENGTH = 160;
const COMMENT_LENGTH = 5000;

interface CategoryRow {
  id: number;
  name: string;
  slug: string;
}
interface TagRow {
  id: number;
  name: string;
}
interface DjangoPost {
  id: number;
  title: string;
  slug: string;
  content: string;
  excerpt: string;
  status: 'draft' | 'published';
  author_id: number | null;
  category_id: number | null;
  featured_image: string | null;
  meta_description: string;
  meta_keywords: string;
  created_at: Date;
  updated_at: Date;
  published_at: Date | null;
}
/** A Django post as Keen would store it, before its author and category ids are mapped. */
type PostValues = Omit<typeof posts.$inferInsert, 'id'> & {
  djangoId: number;
  djangoAuthor: number | null;
  djangoCategory: number | null;
};
interface DjangoComment {
  id: number;
  post_id: number;
  user_id: number | null;
  author_name: string;
  author_email: string;
  author_url: string;
  content: string;
  is_approved: boolean;
  ip_address: string | null;
  created_at: Date;
}
type KeenPost = typeof posts.$inferSelect;
type KeenComment = typeof comments.$inferSelect;

export interface BlogPlan {
  categories: TablePlan<CategoryRow, CategoryRow>;
  tags: TablePlan<TagRow, TagRow>;
  posts: TablePlan<PostValues & { id: number }, KeenPost>;
  postTags: LinkPlan;
  comments: TablePlan<DjangoComment & { postSlug: string }, KeenComment & { postSlug: string }>;
  /** Posts whose HTML the sanitizer changed: the slug and what it removed. */
  sanitized: string[];
  /** Notes on what the import leaves behind (columns Keen has no place for). */
  notes: string[];
}

/** What Keen stores for a Django post: the sanitized body, the derived columns, the dates as they were. */
function postValues(post: DjangoPost, media: ImportedMedia, render: BodyRenderer): PostValues {
  const body = media.rewriteHtml(post.content);
  const bodyHtml = render(body, 'html');
  const prose = plainTextOf(bodyHtml, { prose: true });
  const excerpt = post.excerpt.trim();
  const summary = shortenAtWord(excerpt || prose, SUMMARY_LENGTH);
  const cover = post.featured_image ? media.image(post.featured_image) : null;
  return {
    djangoId: post.id,
    djangoAuthor: post.author_id,
    djangoCategory: post.category_id,
    title: post.title,
    slug: post.slug,
    summary,
    body,
    bodyFormat: 'html',
    bodyHtml,
    metaDescription: shortenAtWord(post.meta_description.trim() || summary, META_LENGTH),
    status: post.status,
    publishedAt: post.published_at,
    readingMinutes: readingMinutesOf(plainTextOf(bodyHtml)),
    cover,
    extra: {
      ...(post.meta_keywords.trim() ? { metaKeywords: post.meta_keywords.trim() } : {}),
      // Until the file is copied, its name is kept, so nothing about it is lost.
      ...(post.featured_image && !cover ? { djangoFeaturedImage: post.featured_image } : {}),
    },
    createdAt: post.created_at,
    updatedAt: post.updated_at,
  };
}

const POST_COMPARED = [
  'title',
  'summary',
  'body',
  'bodyFormat',
  'metaDescription',
  'status',
  'publishedAt',
  'cover',
  'extra',
  'createdAt',
  'updatedAt',
] as const;

export async function planBlog(
  source: DjangoSource,
  db: Db,
  userIds: ReadonlyMap<number, number>,
  media: ImportedMedia,
): Promise<BlogPlan> {
  const notes: string[] = [];
  const keenCategories = await queryRows<CategoryRow>(db, sql`SELECT id, name, slug FROM blog_category`);
  const categoryPlan = planTable(
    'blog_category',
    await source.rows<CategoryRow>('SELECT id::int, name, slug FROM blog_category ORDER BY id'),
    keenCategories,
    { source: (row) => row.slug, target: (row) => row.slug },
    (from, to) => from.name === to.name,
  );
  const described = await source.rows<{ count: number }>(
    "SELECT count(*)::int AS count FROM blog_category WHERE coalesce(description, '') <> ''",
  );
  if (described[0]?.count)
    notes.push(`blog_category: ${described[0].count} description(s) not kept (Keen's categories have none)`);
  const tagPlan = planTable(
    'blog_tag',
    await source.rows<TagRow>('SELECT id::int, name FROM blog_tag ORDER BY id'),
    await queryRows<TagRow>(db, sql`SELECT id, name FROM blog_tag`),
    { source: (row) => row.name, target: (row) => row.name },
    () => true,
  );

  const djangoPosts = await source.rows<DjangoPost>(
    `SELECT id::int, title, slug, content, excerpt, status, author_id::int, category_id::int, featured_image,
            meta_description, meta_keywords, created_at, updated_at, published_at
       FROM blog_post ORDER BY id`,
  );
  const render = await loadBodyRenderer();
  const values = djangoPosts.map((post) => ({ ...postValues(post, media, render), id: post.id }));
  const uncovered = values.filter((post) => post.extra?.djangoFeaturedImage).length;
  if (uncovered) {
    notes.push(
      `blog_post: ${uncovered} featured image(s) not copied, their names kept in extra.djangoFeaturedImage`,
    );
  }
  for (const post of djangoPosts.filter((post) => isReservedSlug(post.slug))) {
    notes.push(
      `blog_post "${post.slug}": Keen uses /blog/${post.slug}/ for a page of its own; give the post another slug`,
    );
  }
  // Against the HTML as stored (links already pointing at Keen's copies), so only the sanitizer counts.
  const sanitized = values.flatMap((post) => {
    const removed = removedMarkup(post.body ?? '', post.bodyHtml ?? '');
    return removed.length ? [`${post.slug}: the sanitizer removed ${removed.join(', ')}`] : [];
  });
  // Through Drizzle, so dates and JSON come back typed on both engines.
  const keenPosts = await db.select().from(posts);
  const keenCategorySlugs = new Map(keenCategories.map((row) => [row.id, row.slug]));
  const djangoCategorySlugs = new Map(categoryPlan.source.map((row) => [row.id, row.slug]));
  const postPlan = planTable(
    'blog_post',
    values,
    keenPosts,
    { source: (row) => row.slug, target: (row) => row.slug },
    (from, to) =>
      POST_COMPARED.every((field) => sameValue(from[field], to[field])) &&
      (from.djangoCategory === null ? null : djangoCategorySlugs.get(from.djangoCategory)) ===
        (to.categoryId === null ? null : keenCategorySlugs.get(to.categoryId)) &&
      (from.djangoAuthor === null ? null : (userIds.get(from.djangoAuthor) ?? null)) === to.authorId,
  );

  const postTagPlan = await planLinkTable(
    source,
    db,
    'blog_post_tags',
    ['post_id', 'tag_id'],
    [postPlan.matchedIds, tagPlan.matchedIds],
  );

  // Comments have no natural key of their own: their post, their time and their author's name.
  const slugOfDjangoPost = new Map(djangoPosts.map((post) => [post.id, post.slug]));
  const djangoComments = (
    await source.rows<DjangoComment>(
      `SELECT id::int, post_id::int, user_id::int, author_name, author_email, coalesce(author_url, '') AS author_url,
              content, is_approved, ip_address::text AS ip_address, created_at
         FROM blog_comment ORDER BY id`,
    )
  ).map((row) => ({ ...row, postSlug: slugOfDjangoPost.get(row.post_id) ?? '' }));
  const slugOfKeenPost = new Map(keenPosts.map((post) => [post.id, post.slug]));
  const keenComments = (await db.select().from(comments)).map((row) => ({
    ...row,
    postSlug: slugOfKeenPost.get(row.postId) ?? '',
  }));
  const commentKey = (slug: string, at: Date, name: string) =>
    `${slug}|${new Date(at).toISOString()}|${name}`;
  const commentPlan = planTable(
    'blog_comment',
    djangoComments.filter((row) => row.content.length <= COMMENT_LENGTH),
    keenComments,
    {
      source: (row) => commentKey(row.postSlug, row.created_at, row.author_name),
      target: (row) => commentKey(row.postSlug, row.createdAt, row.name),
    },
    (from, to) =>
      from.author_email === to.email &&
      from.content === to.body &&
      from.is_approved === to.isApproved &&
      (from.author_url || null) === (to.url || null),
  );
  for (const row of djangoComments.filter((row) => row.content.length > COMMENT_LENGTH)) {
    commentPlan.skipped.push(`blog_comment ${row.id}: longer than Keen's ${COMMENT_LENGTH} characters`);
  }
  const withAddress = djangoComments.filter((row) => row.ip_address).length;
  if (withAddress) notes.push(`blog_comment: ${withAddress} IP address(es) not kept (Keen stores none)`);

  return {
    categories: categoryPlan,
    tags: tagPlan,
    posts: postPlan,
    postTags: postTagPlan,
    comments: commentPlan,
    sanitized,
    notes,
  };
}

/** Django id → Keen id of each blog table's rows, once written. */
export interface BlogIds {
  categories: Map<number, number>;
  tags: Map<number, number>;
  posts: Map<number, number>;
  comments: Map<number, number>;
}

/** Writes the plan, after the accounts (`userIds`: Django user id → Keen user id). */
export async function applyBlog(
  tx: Tx,
  plan: BlogPlan,
  userIds: ReadonlyMap<number, number>,
): Promise<BlogIds> {
  for (const row of plan.categories.inserts)
    await tx.insert(categories).values({ name: row.name, slug: row.slug });
  for (const { from, to } of plan.categories.updates) {
    await tx.update(categories).set({ name: from.name }).where(sql`${categories.id} = ${to.id}`);
  }
  for (const row of plan.tags.inserts) await tx.insert(tags).values({ name: row.name });
  const categoryIds = idsAfterWrite(
    plan.categories.source,
    await queryRows<CategoryRow>(tx, sql`SELECT id, name, slug FROM blog_category`),
    { source: (row) => row.slug, target: (row) => row.slug },
  );
  const tagIds = idsAfterWrite(
    plan.tags.source,
    await queryRows<TagRow>(tx, sql`SELECT id, name FROM blog_tag`),
    {
      source: (row) => row.name,
      target: (row) => row.name,
    },
  );
  const keenValues = (row: PostValues) => {
    const { djangoId: _id, djangoAuthor, djangoCategory, ...stored } = row;
    return {
      ...stored,
      authorId: djangoAuthor === null ? null : (userIds.get(djangoAuthor) ?? null),
      categoryId: djangoCategory === null ? null : (categoryIds.get(djangoCategory) ?? null),
    };
  };
  for (const row of plan.posts.inserts) await tx.insert(posts).values(keenValues(row));
  for (const { from, to } of plan.posts.updates) {
    await tx.update(posts).set(keenValues(from)).where(sql`${posts.id} = ${to.id}`);
  }
  const postIds = idsAfterWrite(
    plan.posts.source,
    await queryRows<{ id: number; slug: string }>(tx, sql`SELECT id, slug FROM blog_post`),
    { source: (row) => row.slug, target: (row) => row.slug },
  );
  for (const link of plan.postTags.add) {
    const postId = postIds.get(link.a);
    const tagId = tagIds.get(link.b);
    if (postId !== undefined && tagId !== undefined) {
      await tx.insert(postTags).values({ postId, tagId }).onConflictDoNothing();
    }
  }
  const commentValues = (row: DjangoComment) => ({
    postId: postIds.get(row.post_id) as number,
    userId: row.user_id === null ? null : (userIds.get(row.user_id) ?? null),
    name: row.author_name,
    email: row.author_email,
    url: row.author_url || null,
    body: row.content,
    isApproved: row.is_approved,
    createdAt: row.created_at,
  });
  const commentIds = new Map(plan.comments.matchedIds);
  for (const row of plan.comments.inserts) {
    const [inserted] = await tx.insert(comments).values(commentValues(row)).returning({ id: comments.id });
    if (inserted) commentIds.set(row.id, inserted.id);
  }
  for (const { from, to } of plan.comments.updates) {
    await tx.update(comments).set(commentValues(from)).where(sql`${comments.id} = ${to.id}`);
  }
  return { categories: categoryIds, tags: tagIds, posts: postIds, comments: commentIds };
}
