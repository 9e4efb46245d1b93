/** The blog's admin registrations (listed in the blog KeenApp's `admin`). */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type ActionContext, type BulkAction, defineAdmin } from '../../contrib/admin/define.js';
import { staticAsset } from '../../contrib/staticfiles/asset.js';
import { lazyTranslator, translator } from '../../i18n/messages.js';
import { SLUG_PATTERN } from '../../text/slug.js';
import type { FormErrors } from '../../web/forms.js';
import { editorFormData } from './editor.js';
import { blogMessages } from './messages.js';
import { blogCss } from './pages.js';
import { applyPostRules, isReservedSlug } from './post-rules.js';
import { categories, type PostRow, postLinks, posts, postTags, tags } from './schema.js';

const text = lazyTranslator(blogMessages);
const SLUG_HELP = text('admin.slugHelp');

/** The slug as the saved row will have it: the submitted one, else the one already stored. */
function slugErrors(submitted: unknown, existing: string | undefined, language: string): FormErrors {
  const slug = submitted ?? existing;
  // Empty: the save makes one from the title (posts) or keeps the stored one.
  if (typeof slug === 'string' && isReservedSlug(slug)) {
    return { slug: [translator(blogMessages, language)('admin.slugReserved', { slug })] };
  }
  return typeof slug === 'string' && slug !== '' && !SLUG_PATTERN.test(slug)
    ? { slug: [translator(blogMessages, language)('admin.slugInvalid')] }
    : {};
}

/** The selected ids as post ids (the admin sends them as strings). */
function postIds(context: ActionContext): number[] {
  return context.ids.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
}

/** Publishes the selected posts; one without a publication time gets "now" (a scheduled one keeps its time). */
export const publishNowAction: BulkAction = {
  name: 'publish_now',
  label: text('admin.publishNow'),
  permission: 'change',
  async run(context) {
    const updated = await context.tx
      .update(posts)
      .set({ status: 'published', publishedAt: sql`coalesce(${posts.publishedAt}, now())` })
      .where(inArray(posts.id, postIds(context)))
      .returning({ id: posts.id });
    return translator(blogMessages, context.language)('admin.published', { count: updated.length });
  },
};

/** Turns the selected posts back into drafts; their publication time is kept for when they return. */
export const unpublishAction: BulkAction = {
  name: 'unpublish',
  label: text('admin.unpublish'),
  permission: 'change',
  async run(context) {
    const updated = await context.tx
      .update(posts)
      .set({ status: 'draft' })
      .where(and(inArray(posts.id, postIds(context)), eq(posts.status, 'published')))
      .returning({ id: posts.id });
    return translator(blogMessages, context.language)('admin.unpublished', { count: updated.length });
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
  validate: (values, existing, { language }) => slugErrors(values.slug, existing?.slug, language),
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
    { label: text('admin.coverColumn'), value: (row) => row.cover !== null && row.cover !== undefined },
  ],
  searchFields: ['title', 'summary', 'body'],
  listFilter: ['status', 'categoryId', 'publishedAt', 'authorId'],
  ordering: ['-publishedAt'],
  fieldsets: [
    { fields: ['title', 'slug', 'summary', 'body', 'bodyFormat', 'cover'] },
    {
      title: text('admin.publishing'),
      fields: ['status', 'publishedAt', 'categoryId', 'authorId', 'readingMinutes'],
    },
    {
      title: text('admin.search'),
      fields: ['metaDescription', 'commentsOpen'],
      collapsed: true,
    },
    {
      title: text('admin.advanced'),
      description: text('admin.advancedHelp', { example: '{"canonical": "https://…"}' }),
      fields: ['extra'],
      collapsed: true,
    },
  ],
  prepopulatedFields: { slug: ['title'] },
  filledOnSave: ['slug'],
  readonlyFields: ['readingMinutes'],
  // Users may be many: a search box, not a select of every account.
  autocompleteFields: ['authorId'],
  help: {
    slug: SLUG_HELP,
    body: text('admin.bodyHelp'),
    publishedAt: text('admin.publishedAtHelp'),
    summary: text('admin.summaryHelp'),
    metaDescription: text('admin.metaDescriptionHelp'),
  },
  manyToMany: [
    { name: 'tags', through: postTags, sourceColumn: postTags.postId, targetColumn: postTags.tagId },
  ],
  inlines: [
    {
      table: postLinks,
      foreignKey: postLinks.postId,
      model: 'postlink',
      label: text('admin.links'),
      style: 'tabular',
      fields: ['title', 'url', 'position'],
      ordering: ['position'],
      maxNum: 50,
    },
  ],
  actions: [publishNowAction, unpublishAction],
  // The body's live preview (styled like the post page: blog.css) and pasted or dropped images.
  formAssets: {
    scripts: [staticAsset('blog/js/editor.js')],
    styles: [blogCss, staticAsset('blog/css/editor.css')],
    data: editorFormData,
  },
  viewOnSite: (row) => (isLive(row) ? `/blog/${encodeURIComponent(row.slug)}/` : null),
  validate: (values, existing, { language }) => slugErrors(values.slug, existing?.slug, language),
  beforeSave: (tx, values, existing, { user }) => applyPostRules(tx, values, existing, user),
});
