/** The blog's admin registrations (listed in the blog KeenApp's `admin`). */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type ActionContext, type BulkAction, defineAdmin } from '../../contrib/admin/define.js';
import type { FormErrors } from '../../web/forms.js';
import { categories, type PostRow, postLinks, posts, postTags, tags } from './schema.js';
import { SLUG_PATTERN } from './text.js';

const SLUG_HELP = 'Lower-case letters, digits and hyphens; it is the address of the page.';
const SLUG_ERROR =
  'Use only lower-case letters, digits and hyphens (no hyphen at either end or twice in a row).';

/** The slug as the saved row will have it: the submitted one, else the one already stored. */
function slugErrors(submitted: unknown, existing: string | undefined): FormErrors {
  const slug = submitted ?? existing;
  return typeof slug === 'string' && !SLUG_PATTERN.test(slug) ? { slug: [SLUG_ERROR] } : {};
}

/** The selected ids as post ids (the admin sends them as strings). */
function postIds(context: ActionContext): number[] {
  return context.ids.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
}

function countPosts(count: number): string {
  return count === 1 ? '1 post' : `${count} posts`;
}

/** Publishes the selected posts; one without a publication time gets "now" (a scheduled one keeps its time). */
export const publishNowAction: BulkAction = {
  name: 'publish_now',
  label: 'Publish now',
  permission: 'change',
  async run(context) {
    const updated = await context.tx
      .update(posts)
      .set({ status: 'published', publishedAt: sql`coalesce(${posts.publishedAt}, now())` })
      .where(inArray(posts.id, postIds(context)))
      .returning({ id: posts.id });
    return `Published ${countPosts(updated.length)}.`;
  },
};

/** Turns the selected posts back into drafts; their publication time is kept for when they return. */
export const unpublishAction: BulkAction = {
  name: 'unpublish',
  label: 'Unpublish',
  permission: 'change',
  async run(context) {
    const updated = await context.tx
      .update(posts)
      .set({ status: 'draft' })
      .where(and(inArray(posts.id, postIds(context)), eq(posts.status, 'published')))
      .returning({ id: posts.id });
    return `Unpublished ${countPosts(updated.length)}.`;
  },
};

export const categoryAdmin = defineAdmin(categories, {
  model: 'category',
  verboseName: 'category',
  verboseNamePlural: 'categories',
  toString: (row) => row.name,
  listDisplay: ['name', 'slug'],
  searchFields: ['name'],
  prepopulatedFields: { slug: ['name'] },
  ordering: ['name'],
  help: { slug: SLUG_HELP },
  validate: (values, existing) => slugErrors(values.slug, existing?.slug),
});

export const tagAdmin = defineAdmin(tags, {
  model: 'tag',
  verboseName: 'tag',
  verboseNamePlural: 'tags',
  toString: (row) => row.name,
  searchFields: ['name'],
  ordering: ['name'],
});

/** True when the post's public page exists now (published and its time has come). */
function isLive(row: PostRow, now = new Date()): boolean {
  return row.status === 'published' && row.publishedAt !== null && row.publishedAt.getTime() <= now.getTime();
}

export const postAdmin = defineAdmin(posts, {
  model: 'post',
  verboseName: 'post',
  verboseNamePlural: 'posts',
  toString: (row) => row.title,
  listDisplay: [
    'title',
    'status',
    'categoryId',
    'publishedAt',
    { label: 'Cover', value: (row) => row.cover !== null && row.cover !== undefined },
  ],
  searchFields: ['title', 'summary', 'body'],
  listFilter: ['status', 'categoryId', 'publishedAt', 'authorId'],
  ordering: ['-publishedAt'],
  fieldsets: [
    { fields: ['title', 'slug', 'summary', 'body', 'cover'] },
    { title: 'Publishing', fields: ['status', 'publishedAt', 'categoryId', 'authorId', 'readingMinutes'] },
    {
      title: 'Advanced',
      description: 'Free-form JSON for templates, e.g. {"canonical": "https://…"}.',
      fields: ['extra'],
      collapsed: true,
    },
  ],
  prepopulatedFields: { slug: ['title'] },
  // Users may be many: a search box, not a select of every account.
  autocompleteFields: ['authorId'],
  help: {
    slug: SLUG_HELP,
    body: 'Plain text; a blank line starts a new paragraph.',
    publishedAt: 'A published post appears on the site from this time on.',
  },
  manyToMany: [
    { name: 'tags', through: postTags, sourceColumn: postTags.postId, targetColumn: postTags.tagId },
  ],
  inlines: [
    {
      table: postLinks,
      foreignKey: postLinks.postId,
      model: 'postlink',
      label: 'Further reading',
      style: 'tabular',
      fields: ['title', 'url', 'position'],
      ordering: ['position'],
      maxNum: 50,
    },
  ],
  actions: [publishNowAction, unpublishAction],
  viewOnSite: (row) => (isLive(row) ? `/blog/${encodeURIComponent(row.slug)}/` : null),
  validate(values, existing) {
    const errors = slugErrors(values.slug, existing?.slug);
    const status = values.status ?? existing?.status;
    const publishedAt = 'publishedAt' in values ? values.publishedAt : existing?.publishedAt;
    // Without a time a "published" post would never appear; say so instead of saving it silently hidden.
    if (status === 'published' && !publishedAt) {
      errors.publishedAt = [
        'A published post needs a publication time (it appears on the site from then on).',
      ];
    }
    return errors;
  },
});
