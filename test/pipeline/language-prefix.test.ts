// LANGUAGE_URL_PREFIXES (Django's i18n_patterns): public pages under /<language>/, the bare address
// redirecting to the visitor's language, links keeping the prefix, hreflang alternates in the head.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTS_PER_PAGE } from '../../src/apps/blog/listing.js';
import { categories, posts, postTags, tags } from '../../src/apps/blog/schema.js';
import { profiles } from '../../src/apps/resume/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ENGINE } from '../support/database.js';

const DAY = 24 * 60 * 60 * 1000;

/** The `<link rel="alternate">` tags of a page, as hreflang → href. */
function alternatesOf(html: string): Record<string, string> {
  const links = [...html.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]*)"\/?>/g)];
  return Object.fromEntries(links.map((match) => [match[1], match[2]]));
}

/** Every href on a page, entities decoded the one way preact writes them. */
function hrefsOf(html: string): string[] {
  return [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((match) =>
    (match[1] ?? '').replaceAll('&amp;', '&'),
  );
}

describe(`language URL prefixes on (${ENGINE})`, () => {
  let t: TestApp;
  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ url, headers: { host: 'localhost', ...headers } });

  beforeAll(async () => {
    t = await createTestApp({ env: { LANGUAGE_URL_PREFIXES: 'true' } });
    const { db } = t.database;
    const [life] = await db
      .insert(categories)
      .values([{ name: 'Life', slug: 'life' }])
      .returning();
    const [postgres] = await db
      .insert(tags)
      .values([{ name: 'postgres' }])
      .returning();
    // One more than a page, so the list has a link to its second page.
    const rows = await db
      .insert(posts)
      .values(
        Array.from({ length: POSTS_PER_PAGE + 1 }, (_, index) => ({
          title: `Post ${index}`,
          slug: `post-${index}`,
          status: 'published' as const,
          publishedAt: new Date(Date.now() - (index + 1) * DAY),
          categoryId: life!.id,
        })),
      )
      .returning({ id: posts.id });
    await db.insert(postTags).values([{ postId: rows[0]!.id, tagId: postgres!.id }]);
    await db.insert(profiles).values({ fullName: 'Anna', isActive: true });
  });
  afterAll(() => t.close());

  it('the prefix decides the language, over the cookie and Accept-Language', async () => {
    const russian = await get('/ru/blog/', { cookie: 'language=en', 'accept-language': 'en' });
    expect(russian.statusCode).toBe(200);
    expect(russian.body).toContain('<html lang="ru">');
    expect(russian.body).toContain('>Блог</a>');
    expect(russian.headers['content-language']).toBe('ru');
    const english = await get('/en/resume/', { cookie: 'language=ru', 'accept-language': 'ru' });
    expect(english.statusCode).toBe(200);
    expect(english.body).toContain('<html lang="en">');
    expect((await get('/ru/', { 'accept-language': 'en' })).body).toContain('<html lang="ru">');
    // The router also matches an escaped prefix; the page's own path is still found.
    const escaped = await get('/%72u/resume/');
    expect(escaped.body).toContain('<html lang="ru">');
    expect(escaped.body).toContain('hreflang="en" href="/en/resume/"');
    const post = await get('/en/blog/post-0/', { cookie: 'language=ru' });
    expect(post.statusCode).toBe(200);
    expect(post.body).toContain('<html lang="en">');
  });

  it('a bare page address redirects to the negotiated language, keeping the query', async () => {
    const byHeader = await get('/blog/?page=2&tag=postgres', { 'accept-language': 'ru-RU,ru;q=0.9' });
    expect(byHeader.statusCode).toBe(302);
    expect(byHeader.headers.location).toBe('/ru/blog/?page=2&tag=postgres');
    expect(String(byHeader.headers.vary)).toMatch(/Accept-Language/);
    expect(String(byHeader.headers.vary)).toMatch(/Cookie/);
    // The visitor's choice beats the browser; with neither, LANGUAGE_CODE.
    const byCookie = await get('/resume/', { 'accept-language': 'ru', cookie: 'language=en' });
    expect(byCookie.headers.location).toBe('/en/resume/');
    expect((await get('/')).headers.location).toBe('/en/');
    expect((await get('/blog/post-3/', { 'accept-language': 'ru' })).headers.location).toBe(
      '/ru/blog/post-3/',
    );
    const head = await t.app.inject({ method: 'HEAD', url: '/blog/', headers: { host: 'localhost' } });
    expect(head.statusCode).toBe(302);
    expect(head.headers.location).toBe('/en/blog/');
    // The redirect loads no session: it sets no cookie.
    expect(byHeader.headers['set-cookie']).toBeUndefined();
  });

  it('leaves static files, media, the admin, /i18n/, account pages and probes where they are', async () => {
    const ok = ['/static/css/site.css', '/healthz', '/accounts/login/'];
    for (const url of ok) expect((await get(url, { 'accept-language': 'ru' })).statusCode, url).toBe(200);
    const admin = await get('/admin/', { 'accept-language': 'ru' });
    expect(admin.statusCode).toBe(302);
    expect(admin.headers.location).toMatch(/^\/accounts\/login\//);
    expect((await get('/media/uploads/none.jpg')).statusCode).toBe(404);
    const setlang = await get('/i18n/setlang/?language=ru&next=%2Fru%2Fblog%2F');
    expect(setlang.statusCode).toBe(302);
    expect(setlang.headers.location).toBe('/ru/blog/');
  });

  it('an unknown prefix, or a prefix on a page that takes none, is a 404', async () => {
    for (const url of [
      '/de/blog/',
      '/RU/blog/',
      '/ru/admin/',
      '/ru/static/css/site.css',
      '/ru/healthz',
      '/ru/accounts/login/',
      '/ru/i18n/setlang/?language=en',
      '/ru/en/blog/',
    ]) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
    // A 404 under a prefix is in that language.
    const missing = await get('/ru/blog/no-such-post/', { 'accept-language': 'en' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('<html lang="ru">');
  });

  it('adds the slash under a prefix as everywhere, and refuses bad bytes with a 400', async () => {
    const noSlash = await get('/ru/blog?page=2');
    expect(noSlash.statusCode).toBe(301);
    expect(noSlash.headers.location).toBe('/ru/blog/?page=2');
    expect((await get('/ru')).headers.location).toBe('/ru/');
    expect((await get('/ru/blog/?page=%ZZ')).statusCode).toBe(400);
    expect((await get('/blog/%ZZ/')).statusCode).toBe(400);
    expect((await get('/ru/blog/%ZZ/')).statusCode).toBe(400);
  });

  it('links from a prefixed page keep its prefix; the switcher goes to the same page in the other', async () => {
    const list = await get('/ru/blog/tag/postgres/');
    const hrefs = hrefsOf(list.body);
    for (const href of ['/ru/', '/ru/blog/', '/ru/resume/', '/ru/blog/post-0/', '/ru/blog/category/life/']) {
      expect(hrefs, href).toContain(href);
    }
    expect(hrefs).toContain('/i18n/setlang/?language=en&next=%2Fen%2Fblog%2Ftag%2Fpostgres%2F');
    // Account pages take no prefix.
    expect(hrefs).toContain('/accounts/login/');
    const pageOne = hrefsOf((await get('/ru/blog/')).body);
    expect(pageOne).toContain('/ru/blog/?page=2');
    const post = hrefsOf((await get('/ru/blog/post-0/')).body);
    expect(post).toContain('/ru/blog/tag/postgres/');
    // Every link to a public page is prefixed: the only bare ones are the account and switcher links.
    for (const href of [...hrefs, ...pageOne, ...post]) {
      expect(href, href).toMatch(/^(\/ru\/|\/accounts\/|\/i18n\/setlang\/)/);
    }
    // The header marks the current section on prefixed pages too.
    expect(list.body).toContain('<a href="/ru/blog/" aria-current="page">');
  });

  it('every public page lists its alternates: each language, then x-default', async () => {
    const list = alternatesOf((await get('/ru/blog/?page=2')).body);
    expect(list).toEqual({
      en: '/en/blog/?page=2',
      ru: '/ru/blog/?page=2',
      'x-default': '/blog/?page=2',
    });
    expect(Object.keys(list)).toEqual(['en', 'ru', 'x-default']);
    expect(alternatesOf((await get('/en/')).body)).toEqual({ en: '/en/', ru: '/ru/', 'x-default': '/' });
    expect(alternatesOf((await get('/en/resume/')).body)).toEqual({
      en: '/en/resume/',
      ru: '/ru/resume/',
      'x-default': '/resume/',
    });
    // A page with one address (the login page) has none.
    expect((await get('/accounts/login/')).body).not.toContain('<link rel="alternate" hreflang');
  });
});

describe(`language URL prefixes off, the default (${ENGINE})`, () => {
  let t: TestApp;
  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ url, headers: { host: 'localhost', ...headers } });
  beforeAll(async () => {
    t = await createTestApp();
    await t.database.db.insert(profiles).values({ fullName: 'Anna', isActive: true });
  });
  afterAll(() => t.close());

  it('pages answer at their bare address, in the negotiated language, with no alternates', async () => {
    expect(t.settings.languageUrlPrefixes).toBe(false);
    for (const url of ['/', '/blog/', '/resume/']) {
      const page = await get(url, { 'accept-language': 'ru' });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toContain('<html lang="ru">');
      expect(page.body, url).not.toContain('<link rel="alternate" hreflang');
      const hrefs = hrefsOf(page.body);
      expect(hrefs, url).toEqual(expect.arrayContaining(['/', '/blog/', '/resume/']));
      expect(
        hrefs.filter((href) => /^\/(en|ru)\//.test(href)),
        url,
      ).toEqual([]);
    }
    expect(hrefsOf((await get('/blog/')).body)).toContain('/i18n/setlang/?language=ru&next=%2Fblog%2F');
  });

  it('prefixed addresses do not exist', async () => {
    for (const url of ['/ru/', '/en/blog/', '/ru/resume/'])
      expect((await get(url)).statusCode, url).toBe(404);
  });
});
