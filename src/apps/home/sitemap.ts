/**
 * `/sitemap.xml` (sitemaps.org 0.9): the home page, the blog, the résumé, every public post with its
 * last change, and the category pages; with LANGUAGE_URL_PREFIXES on, each address once per language
 * with `xhtml:link` hreflang alternates. `/robots.txt` names it.
 */
import { desc } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import { languageAlternates, prefixedPath } from '../../web/language-urls.js';
import { absoluteUrl } from '../../web/site-url.js';
import { xmlText } from '../blog/feed.js';
import { publicWhere } from '../blog/queries.js';
import { categories, posts } from '../blog/schema.js';
import { categoryUrl, postUrl } from '../blog/urls.js';

/** The sitemap protocol's limit per file. */
const MAX_URLS = 50_000;

interface SitemapPage {
  path: string;
  lastModified?: Date;
}

export async function sitemapPages(db: Db): Promise<SitemapPage[]> {
  const [postRows, categoryRows] = await Promise.all([
    db
      .select({ slug: posts.slug, updatedAt: posts.updatedAt })
      .from(posts)
      .where(publicWhere(db, {}))
      .orderBy(desc(posts.publishedAt))
      .limit(MAX_URLS - 100),
    db.select({ slug: categories.slug }).from(categories).orderBy(categories.slug).limit(100),
  ]);
  const latest = postRows.reduce<Date | undefined>(
    (max, row) => (!max || row.updatedAt > max ? row.updatedAt : max),
    undefined,
  );
  return [
    { path: '/', lastModified: latest },
    { path: '/blog/', lastModified: latest },
    { path: '/resume/' },
    ...postRows.map((row) => ({
      path: postUrl(row.slug),
      lastModified: row.updatedAt,
    })),
    ...categoryRows.map((row) => ({ path: categoryUrl(row.slug) })),
  ];
}

export function sitemapXml(request: FastifyRequest, pages: SitemapPage[]): string {
  const { settings } = request.server.keen;
  const entry = (path: string, page: SitemapPage) => {
    const alternates = settings.languageUrlPrefixes ? languageAlternates(page.path, settings) : [];
    return [
      '<url>',
      `<loc>${xmlText(absoluteUrl(request, path))}</loc>`,
      page.lastModified ? `<lastmod>${page.lastModified.toISOString()}</lastmod>` : '',
      ...alternates.map(
        (alternate) =>
          `<xhtml:link rel="alternate" hreflang="${xmlText(alternate.hreflang)}" href="${xmlText(absoluteUrl(request, alternate.href))}"/>`,
      ),
      '</url>',
    ].join('');
  };
  const urls = pages.flatMap((page) =>
    settings.languageUrlPrefixes
      ? settings.languages.map((language) => entry(prefixedPath(language, page.path), page))
      : [entry(page.path, page)],
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ...urls,
    '</urlset>',
    '',
  ].join('\n');
}

/** robots.txt: everything but the admin, the owner's extra lines (printable, capped), and the sitemap. */
export function robotsTxt(request: FastifyRequest, extra: string): string {
  const { adminPath } = request.server.keen.settings;
  const lines = extra
    .split(/\r?\n/)
    .map((line) => line.replace(/[^\x20-\x7E\u00A0-\uFFFF]/g, '').trim())
    .filter((line) => line !== '' && !/^sitemap\s*:/i.test(line))
    .slice(0, 100)
    .map((line) => line.slice(0, 500));
  return [
    'User-agent: *',
    'Allow: /',
    `Disallow: ${adminPath}`,
    ...lines,
    '',
    `Sitemap: ${absoluteUrl(request, '/sitemap.xml')}`,
    '',
  ].join('\n');
}
