/** The blog's public pages: the post list and a post. Text is escaped by preact; hrefs are checked here. */
import { staticAsset } from '../../contrib/staticfiles/asset.js';
import { formatDate } from '../../i18n/dates.js';
import { type MessageId, type Translate, translator } from '../../i18n/messages.js';
import { localizedPath } from '../../web/language-urls.js';
import { Layout } from '../../web/layout.js';
import type { PageMeta } from '../../web/page-meta.js';
import type { ComponentChildren, PageContext } from '../../web/render.js';
import type { Listing, ListingSubject, PostListContent } from './listing.js';
import { blogMessages } from './messages.js';
import type { PageWindow } from './paginate.js';
import type { Neighbour, PostDetail, PostSummary } from './queries.js';
import { safeLinkUrl } from './text.js';
import { archiveUrl, authorUrl, categoryUrl, pageUrlOf, postUrl, tagUrl } from './urls.js';

/** Declared at import time so the start-up check covers it (docs/static-files.md). */
export const blogCss = staticAsset('css/blog.css');

type BlogTranslate = Translate<MessageId<typeof blogMessages>>;

function PostMeta({ post, context, t }: { post: PostSummary; context: PageContext; t: BlogTranslate }) {
  return (
    <p class="PostMeta">
      <time dateTime={post.publishedAt.toISOString()}>
        {formatDate(post.publishedAt, context.language, context.timeZone)}
      </time>
      {post.category && (
        <>
          {' · '}
          <a href={localizedPath(context, categoryUrl(post.category.slug))}>{post.category.name}</a>
        </>
      )}
      {` · ${t('post.readingTime', { minutes: post.readingMinutes })}`}
    </p>
  );
}

export interface PostListProps {
  context: PageContext;
  listing: Listing;
  content: PostListContent;
  meta?: PageMeta;
}

/** "March 2026" / "март 2026": a month on its own. */
function monthName(year: number, month: number, language: string): string {
  return formatDate(new Date(Date.UTC(year, month - 1, 15)), language, 'UTC', 'month');
}

/** The heading of a list page, also the subtitle of its feed. */
export function listingHeading(subject: ListingSubject, t: BlogTranslate, language: string): string {
  switch (subject.kind) {
    case 'all':
      return t('list.title');
    case 'category':
      return t('list.inCategory', { category: subject.name });
    case 'tag':
      return t('list.tagged', { tag: subject.name });
    case 'author':
      return t('list.byAuthor', { author: subject.name });
    case 'archive':
      return subject.month === undefined
        ? t('list.inYear', { year: String(subject.year) })
        : t('list.inMonth', { period: monthName(subject.year, subject.month, language) });
  }
}

/** Newer/older links around "Page 2 of 5", when there is more than one page. */
export function Pagination({
  page,
  pageUrl,
  t,
}: {
  page: PageWindow | null;
  pageUrl: (number: number) => string;
  t: BlogTranslate;
}) {
  if (!page || page.numPages <= 1) return null;
  return (
    <nav class="Pagination" aria-label={t('pagination.label')}>
      {page.hasPrevious && (
        <a href={pageUrl(page.number - 1)} rel="prev">
          {t('pagination.newer')}
        </a>
      )}
      <span class="Pagination-current">
        {t('pagination.current', { number: page.number, count: page.numPages })}
      </span>
      {page.hasNext && (
        <a href={pageUrl(page.number + 1)} rel="next">
          {t('pagination.older')}
        </a>
      )}
    </nav>
  );
}

/** The blog's search box: a GET form to the list, so results have an address. */
export function SearchForm({ context, value }: { context: PageContext; value?: string }) {
  const t = translator(blogMessages, context.language);
  return (
    <search class="BlogSearch">
      <form method="get" action={localizedPath(context, '/blog/')}>
        <label for="blog-q">{t('search.label')}</label>{' '}
        <input type="search" id="blog-q" name="q" value={value ?? ''} maxlength={200} />{' '}
        <button type="submit">{t('search.submit')}</button>
      </form>
    </search>
  );
}

/** The archive (years, or the months of a year) and the categories, under the main list. */
function ListNavigation({
  context,
  content,
  t,
}: {
  context: PageContext;
  content: PostListContent;
  t: BlogTranslate;
}) {
  if (content.archive.length === 0 && content.categories.length === 0) return null;
  return (
    <div class="ListNavigation">
      {content.categories.length > 0 && (
        <nav class="ListNavigation-part" aria-labelledby="blog-categories">
          <h2 id="blog-categories">{t('list.categories')}</h2>
          <ul class="TagList">
            {content.categories.map((category) => (
              <li>
                <a href={localizedPath(context, categoryUrl(category.slug))}>{category.name}</a>{' '}
                <span class="ListNavigation-count">{category.count}</span>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {content.archive.length > 0 && (
        <nav class="ListNavigation-part" aria-labelledby="blog-archive">
          <h2 id="blog-archive">{t('list.archive')}</h2>
          <ul class="TagList">
            {content.archive.map((period) => (
              <li>
                <a href={localizedPath(context, archiveUrl(period.year, period.month))}>
                  {period.month === undefined
                    ? String(period.year)
                    : monthName(period.year, period.month, context.language)}
                </a>{' '}
                <span class="ListNavigation-count">{period.count}</span>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </div>
  );
}

export function PostListPage({ context, listing, content, meta }: PostListProps) {
  const t = translator(blogMessages, context.language);
  const { page, posts, commentCounts } = content;
  const heading = listingHeading(listing.subject, t, context.language);
  const pageUrl = (number: number) => localizedPath(context, pageUrlOf(listing.path, number));
  return (
    <Layout
      title={page.number > 1 ? t('list.pageTitle', { heading, number: page.number }) : heading}
      context={context}
      styles={[blogCss]}
      meta={meta}
    >
      <h1>{heading}</h1>
      <SearchForm context={context} />
      {listing.subject.kind !== 'all' && (
        <p>
          <a href={localizedPath(context, '/blog/')}>{t('list.all')}</a>
        </p>
      )}
      {posts.length === 0 ? (
        <p>{t('list.empty')}</p>
      ) : (
        <ol class="PostList">
          {posts.map((post) => (
            <li class="PostList-item">
              <article>
                <h2 class="PostList-title">
                  <a href={localizedPath(context, postUrl(post.slug))}>{post.title}</a>
                </h2>
                <PostMeta post={post} context={context} t={t} />
                {post.summary && <p class="PostList-summary">{post.summary}</p>}
                {(commentCounts.get(post.id) ?? 0) > 0 && (
                  <p class="PostList-comments">
                    <a href={`${localizedPath(context, postUrl(post.slug))}#comments-heading`}>
                      {t('comments.count', { count: commentCounts.get(post.id) ?? 0 })}
                    </a>
                  </p>
                )}
              </article>
            </li>
          ))}
        </ol>
      )}
      <Pagination page={page} pageUrl={pageUrl} t={t} />
      <ListNavigation context={context} content={content} t={t} />
    </Layout>
  );
}

export interface PostPageProps {
  context: PageContext;
  post: PostDetail;
  /** The public URL of the cover image, when there is one. */
  coverUrl: string | null;
  /** Its thumbnails, so a phone loads a smaller file (the original is the fallback). */
  coverSrcset?: string;
  meta?: PageMeta;
  /** The older and newer public posts, for the links under the post. */
  neighbours?: { previous: Neighbour | null; next: Neighbour | null };
  /** Shown after the post (its comments). */
  after?: ComponentChildren;
}

export function PostPage({ context, post, coverUrl, coverSrcset, meta, neighbours, after }: PostPageProps) {
  const t = translator(blogMessages, context.language);
  return (
    <Layout title={post.title} context={context} styles={[blogCss]} meta={meta}>
      <article class="Post">
        <header>
          <h1>{post.title}</h1>
          <PostMeta post={post} context={context} t={t} />
          {post.author && (
            <p class="Post-author">
              {post.authorId !== null ? (
                <a href={localizedPath(context, authorUrl(post.authorId))} rel="author">
                  {t('post.author', { author: post.author })}
                </a>
              ) : (
                t('post.author', { author: post.author })
              )}
            </p>
          )}
        </header>
        {coverUrl && post.cover && (
          // Decorative: the title says what the post is about.
          <img
            class="Post-cover"
            src={coverUrl}
            srcset={coverSrcset}
            sizes={coverSrcset ? '(max-width: 42rem) 100vw, 42rem' : undefined}
            width={post.cover.width}
            height={post.cover.height}
            alt=""
          />
        )}
        {/* Sanitized HTML (markup/render.ts): made on save, or by the view for an older post. */}
        <div class="Post-body" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
        {post.tags.length > 0 && (
          <footer class="Post-tags">
            <h2>{t('post.tags')}</h2>
            <ul class="TagList">
              {post.tags.map((tag) => (
                <li>
                  <a href={localizedPath(context, tagUrl(tag))}>{tag}</a>
                </li>
              ))}
            </ul>
          </footer>
        )}
        {post.links.length > 0 && (
          <section class="Post-links">
            <h2>{t('post.links')}</h2>
            <ul>
              {post.links.map((link) => {
                const href = safeLinkUrl(link.url);
                return (
                  <li>
                    {href ? (
                      <a href={href} rel="noopener noreferrer">
                        {link.title}
                      </a>
                    ) : (
                      link.title
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        )}
      </article>
      {(neighbours?.previous || neighbours?.next) && (
        <nav class="PostNeighbours" aria-label={t('post.neighbours')}>
          {neighbours.previous && (
            <a href={localizedPath(context, postUrl(neighbours.previous.slug))} rel="prev">
              {t('post.previous', { title: neighbours.previous.title })}
            </a>
          )}
          {neighbours.next && (
            <a href={localizedPath(context, postUrl(neighbours.next.slug))} rel="next">
              {t('post.next', { title: neighbours.next.title })}
            </a>
          )}
        </nav>
      )}
      {after}
      <p>
        <a href={localizedPath(context, '/blog/')}>{t('post.back')}</a>
      </p>
    </Layout>
  );
}
