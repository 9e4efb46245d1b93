/**
 * What a post's save fills in by itself (Django's model save() of the old site, plus what its owner
 * listed as missing): a slug from the title, transliterated and made unique; the summary and meta
 * description from the body when left empty; the reading time from the body; the publication time on
 * the first publish; the author (the editor who adds it).
 */
import { and, eq, like, ne, or } from 'drizzle-orm';
import { sameValue } from '../../contrib/admin/save.js';
import type { Tx } from '../../db/client.js';
import { slugify, uniqueSlug } from '../../text/slug.js';
import { renderBody } from './markup/render.js';
import { type PostRow, posts } from './schema.js';
import { YEAR_SEGMENT } from './urls.js';

/** Words a reader gets through in a minute (a common figure for screen reading). */
const WORDS_PER_MINUTE = 200;
const SUMMARY_LENGTH = 300;
const META_DESCRIPTION_LENGTH = 160;
const SLUG_LENGTH = 200;
/**
 * Addresses under /blog/ that are pages of their own, so no post may take them: the feed, and four
 * digits (a year's archive, ./urls.ts).
 */
export function isReservedSlug(slug: string): boolean {
  return slug === 'feed' || YEAR_SEGMENT.test(slug);
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&nbsp;': ' ',
};

/**
 * The readable text of a rendered (sanitized) body: tags removed, the few entities the sanitizer
 * writes decoded. `prose` leaves out code blocks and tables, which make poor summaries.
 */
export function plainTextOf(html: string, { prose = false } = {}): string {
  const kept = prose ? html.replace(/<(pre|table)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ') : html;
  return (
    kept
      // Blocks part words; inline tags (<em>, <code>, <a>) do not: "snake_<em>case</em>." stays one word.
      .replace(
        /<\/?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|table|tr|td|th|br|hr|figure|figcaption|img)\b[^>]*>/gi,
        ' ',
      )
      .replace(/<[^>]*>/g, '')
      .replace(/&(?:amp|lt|gt|quot|#39|nbsp);/g, (entity) => ENTITIES[entity] ?? entity)
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** `text` cut to at most `length` characters at a word boundary, with an ellipsis when cut. */
export function shortenAtWord(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > length / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?—–-]+$/, '')}…`;
}

export function readingMinutesOf(text: string): number {
  const words = text === '' ? 0 : text.split(' ').length;
  return Math.max(1, Math.ceil(words / WORDS_PER_MINUTE));
}

/** The slug for a new post: the typed one, else one made from the title, made unique with -2, -3… */
async function newSlug(tx: Tx, typed: string, title: string, exceptId: number | undefined): Promise<string> {
  const made = slugify(title, SLUG_LENGTH) || 'post';
  const automatic = isReservedSlug(made) ? `${made}-post` : made;
  // A slug typed by hand that is taken stays as typed (the form then says it is taken); the automatic
  // one (also what the admin's script fills in) is made unique.
  if (typed !== '' && typed !== automatic) return typed;
  const rows = await tx
    .select({ slug: posts.slug })
    .from(posts)
    .where(
      and(
        or(eq(posts.slug, automatic), like(posts.slug, `${automatic}-%`)),
        exceptId === undefined ? undefined : ne(posts.id, exceptId),
      ),
    );
  return uniqueSlug(automatic, new Set(rows.map((row) => row.slug)), SLUG_LENGTH);
}

/**
 * Fills the derived columns of `values` (what the form sends) before a post is written. `existing` is
 * the stored row (null when adding); columns the form left out are taken from it.
 */
export async function applyPostRules(
  tx: Tx,
  values: Partial<PostRow>,
  existing: PostRow | null,
  user: { id: number },
): Promise<void> {
  const edited =
    !existing ||
    Object.entries(values).some(([key, value]) => !sameValue(existing[key as keyof PostRow], value));
  const title = values.title ?? existing?.title ?? '';
  const typedSlug = (values.slug ?? '').trim();
  if (!existing) values.slug = await newSlug(tx, typedSlug, title, undefined);
  // Kept stable once saved: an emptied slug field keeps the stored one (links to the post keep working).
  else if (typedSlug === '') values.slug = existing.slug;

  const body = values.body ?? existing?.body ?? '';
  const format = values.bodyFormat ?? existing?.bodyFormat ?? 'markdown';
  // Rendered and sanitized once here; pages show the result as it is.
  if (!existing || values.body !== undefined || values.bodyFormat !== undefined || !existing.bodyHtml) {
    values.bodyHtml = await renderBody(body, format);
  }
  const html = values.bodyHtml ?? existing?.bodyHtml ?? '';
  values.readingMinutes = readingMinutesOf(plainTextOf(html));
  const prose = plainTextOf(html, { prose: true });
  const summary = (values.summary ?? existing?.summary ?? '').trim();
  if (summary === '') values.summary = shortenAtWord(prose, SUMMARY_LENGTH);
  const meta = (values.metaDescription ?? existing?.metaDescription ?? '').trim();
  if (meta === '') values.metaDescription = shortenAtWord(summary || prose, META_DESCRIPTION_LENGTH);

  const status = values.status ?? existing?.status;
  const publishedAt = 'publishedAt' in values ? values.publishedAt : existing?.publishedAt;
  // The first publish dates the post; a later unpublish and republish keeps that date.
  // Whole seconds: the form shows seconds, so a later save of the same form does not change it.
  if (status === 'published' && !publishedAt)
    values.publishedAt = new Date(Math.floor(Date.now() / 1000) * 1000);

  if (!existing && (values.authorId === undefined || values.authorId === null)) values.authorId = user.id;
  // A save that changes nothing leaves the post's "updated" time (feeds, sitemap) alone.
  if (edited) values.updatedAt = new Date();
}
