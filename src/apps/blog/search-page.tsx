/** The search results page (`/blog/?q=`): ranked hits with highlighted snippets, paginated. */
import { formatDate } from '../../i18n/dates.js';
import { translator } from '../../i18n/messages.js';
import { localizedPath } from '../../web/language-urls.js';
import { Layout } from '../../web/layout.js';
import type { PageContext } from '../../web/render.js';
import { blogMessages } from './messages.js';
import { blogCss, Pagination, SearchForm } from './pages.js';
import type { PageWindow } from './paginate.js';
import type { SearchHit } from './search.js';
import { postUrl } from './urls.js';

export interface SearchPageProps {
  context: PageContext;
  query: string;
  hits: SearchHit[];
  total: number;
  page: PageWindow | null;
}

export function SearchPage({ context, query, hits, total, page }: SearchPageProps) {
  const t = translator(blogMessages, context.language);
  const pageUrl = (number: number) =>
    localizedPath(
      context,
      `/blog/?${new URLSearchParams({ q: query, ...(number > 1 ? { page: String(number) } : {}) })}`,
    );
  return (
    <Layout title={t('search.title', { query })} context={context} styles={[blogCss]}>
      <h1>{t('search.title', { query })}</h1>
      <SearchForm context={context} value={query} />
      <p class="BlogSearch-count">{t('search.count', { count: total })}</p>
      {hits.length > 0 && (
        <ol class="PostList">
          {hits.map((hit) => (
            <li class="PostList-item">
              <article>
                <h2 class="PostList-title">
                  <a href={localizedPath(context, postUrl(hit.slug))}>{hit.title}</a>
                </h2>
                <p class="PostMeta">
                  <time dateTime={hit.publishedAt.toISOString()}>
                    {formatDate(hit.publishedAt, context.language, context.timeZone)}
                  </time>
                </p>
                {/* Escaped by search.ts; only its own <mark> tags are markup. */}
                <p class="PostList-summary" dangerouslySetInnerHTML={{ __html: hit.snippetHtml }} />
              </article>
            </li>
          ))}
        </ol>
      )}
      <Pagination page={page} pageUrl={pageUrl} t={t} />
    </Layout>
  );
}
