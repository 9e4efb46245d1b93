// Being found: head tags and JSON-LD on a post, the Atom feed, sitemap.xml and robots.txt (parsed as
// XML), and public full-text search in Russian and English with ranking and safe snippets.
import { eq } from 'drizzle-orm';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categories, posts } from '../../src/apps/blog/schema.js';
import { siteSettings } from '../../src/apps/site/schema.js';
import { pageText } from '../admin/view-helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ENGINE } from '../support/database.js';

const DAY = 24 * 60 * 60 * 1000;
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

describe(`the blog can be found (${ENGINE})`, () => {
  let t: TestApp;
  const get = (url: string) => t.app.inject({ url, headers: { host: 'localhost' } });

  beforeAll(async () => {
    t = await createTestApp({ env: { SITE_URL: 'https://coreofkeen.example' } });
    const db = t.database.db;
    await db
      .update(siteSettings)
      .set({ siteName: 'Core', robotsTxt: 'Disallow: /drafts/\nSitemap: https://evil.example/x' })
      .where(eq(siteSettings.id, 1));
    const [category] = await db.insert(categories).values({ name: 'Походы', slug: 'hikes' }).returning();
    const publish = (days: number) => ({
      status: 'published' as const,
      publishedAt: new Date(Date.now() - days * DAY),
    });
    await db.insert(posts).values([
      {
        title: 'Поход в горы',
        slug: 'mountains',
        summary: 'Короткий рассказ',
        body: 'Мы шли три дня & <b>ночевали</b> в палатке.',
        bodyHtml: '<p>Мы шли три дня.</p>',
        metaDescription: 'Три дня в горах',
        categoryId: category!.id,
        ...publish(1),
      },
      {
        title: 'Заметки о городе',
        slug: 'city',
        body: 'Там был один поход по музеям и много кафе.',
        bodyHtml: '<p>Город.</p>',
        ...publish(2),
      },
      {
        title: 'Walking the Ridgeway',
        slug: 'ridgeway',
        body: 'We **walked** for days along the `old road`.\n\n```sh\nwalk --far\n```',
        bodyHtml: '<p>Walk.</p>',
        ...publish(3),
      },
      { title: 'Черновик про поход', slug: 'draft', body: 'поход', status: 'draft' },
      {
        title: 'Будущий поход',
        slug: 'future',
        body: 'поход',
        status: 'published',
        publishedAt: new Date(Date.now() + DAY),
      },
    ]);
  });
  afterAll(() => t.close());

  it('a post has a description, canonical address, OpenGraph tags and BlogPosting JSON-LD', async () => {
    const page = await get('/blog/mountains/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<meta name="description" content="Три дня в горах"/>');
    expect(page.body).toContain('<link rel="canonical" href="https://coreofkeen.example/blog/mountains/"/>');
    expect(page.body).toContain('<meta property="og:type" content="article"/>');
    expect(page.body).toContain('<link rel="alternate" type="application/atom+xml"');
    const json = /<script type="application\/ld\+json">([^<]*)<\/script>/.exec(page.body)?.[1];
    const data = JSON.parse(json ?? '{}') as Record<string, unknown>;
    expect(data).toMatchObject({
      '@type': 'BlogPosting',
      headline: 'Поход в горы',
      url: 'https://coreofkeen.example/blog/mountains/',
    });
  });

  it('the Atom feed parses and holds the public posts only, newest first; category feeds narrow it', async () => {
    const response = await get('/blog/feed/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(XMLValidator.validate(response.body)).toBe(true);
    const feed = xml.parse(response.body).feed as {
      entry: { title: string; id: string; content: { '#text': string } }[];
    };
    expect(feed.entry.map((entry) => entry.title)).toEqual([
      'Поход в горы',
      'Заметки о городе',
      'Walking the Ridgeway',
    ]);
    expect(feed.entry[0]?.id).toBe('https://coreofkeen.example/blog/mountains/');
    expect(feed.entry[0]?.content['#text']).toBe('<p>Мы шли три дня.</p>');
    const narrowed = xml.parse((await get('/blog/category/hikes/feed/')).body).feed as {
      entry: { title: string };
    };
    expect(narrowed.entry.title).toBe('Поход в горы');
    expect((await get('/blog/category/nope/feed/')).statusCode).toBe(404);
  });

  it('sitemap.xml lists the pages and public posts with lastmod; robots.txt names it and hides the admin', async () => {
    const response = await get('/sitemap.xml');
    expect(XMLValidator.validate(response.body)).toBe(true);
    const urls = (xml.parse(response.body).urlset.url as { loc: string; lastmod?: string }[]).map(
      (url) => url.loc,
    );
    expect(urls).toEqual(
      expect.arrayContaining([
        'https://coreofkeen.example/',
        'https://coreofkeen.example/blog/mountains/',
        'https://coreofkeen.example/resume/',
        'https://coreofkeen.example/blog/category/hikes/',
      ]),
    );
    expect(urls.some((url) => url.includes('draft') || url.includes('future'))).toBe(false);
    const robots = await get('/robots.txt');
    expect(robots.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(robots.body).toContain('Disallow: /admin/');
    expect(robots.body).toContain('Disallow: /drafts/');
    expect(robots.body).toContain('Sitemap: https://coreofkeen.example/sitemap.xml');
    expect(robots.body).not.toContain('evil.example');
  });

  it('search finds word forms in Russian, ranks title matches first, and escapes snippets', async () => {
    const page = await get(`/blog/?q=${encodeURIComponent('походы')}`);
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain('2 posts found.');
    const titles = [...page.body.matchAll(/<h2 class="PostList-title"><a [^>]*>([^<]*)</g)].map(
      (match) => match[1],
    );
    expect(titles).toEqual(['Поход в горы', 'Заметки о городе']);
    expect(page.body).toContain('<mark>');
    // The post's own markup never reaches the snippet as markup.
    expect(text).toContain('ночевали');
    expect(page.body).not.toContain('<b>ночевали</b>');
    const russian = await t.app.inject({
      url: `/blog/?q=${encodeURIComponent('поход')}`,
      headers: { host: 'localhost', 'accept-language': 'ru' },
    });
    expect(pageText(russian.body)).toContain('Найдено 2 записи.');
    const english = await get('/blog/?q=walking');
    expect(pageText(english.body)).toContain('Walking the Ridgeway');
    // Markdown's marks are noise in a sentence: the snippet reads as text.
    const snippet = /<p class="PostList-summary">([\s\S]*?)<\/p>/.exec(english.body)?.[1] ?? '';
    expect(snippet).toContain('<mark>walked</mark>');
    for (const mark of ['**', '`']) expect(snippet).not.toContain(mark);
    expect(pageText((await get('/blog/?q=zzzqqq')).body)).toContain('Nothing found.');
    expect((await get(`/blog/?q=${'x'.repeat(201)}`)).statusCode).toBe(400);
  });

  it('a post links the older and newer public posts, skipping drafts and future posts', async () => {
    const middle = await get('/blog/city/');
    expect(middle.body).toContain('<a href="/blog/ridgeway/" rel="prev">← Walking the Ridgeway</a>');
    expect(middle.body).toContain('<a href="/blog/mountains/" rel="next">Поход в горы →</a>');
    const newest = await get('/blog/mountains/');
    expect(newest.body).not.toContain('rel="next"');
    expect(newest.body).not.toContain('/blog/future/');
  });
});
