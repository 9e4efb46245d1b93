// The blog's lists beyond the main one: an author's posts, a year and a month in the site's time zone,
// the archive and category navigation, per-list feeds, and the queries a list page costs.
import { eq } from 'drizzle-orm';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_POSTS, archiveListing, loadPostList, tagListing } from '../../src/apps/blog/listing.js';
import { categories, comments, posts, postTags, tags } from '../../src/apps/blog/schema.js';
import { users } from '../../src/contrib/auth/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { countingDb } from '../support/counting-db.js';
import { ENGINE } from '../support/database.js';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
const TIME_ZONE = 'Europe/Moscow';

function listedSlugs(html: string): string[] {
  return [...html.matchAll(/<h2 class="PostList-title"><a href="\/blog\/([^/]+)\/">/g)].map(
    (match) => match[1]!,
  );
}

describe(`blog lists (${ENGINE})`, () => {
  let t: TestApp;
  let authorId = 0;
  let idleId = 0;
  const get = (url: string, language = 'en') =>
    t.app.inject({ url, headers: { host: 'localhost', 'accept-language': language } });

  beforeAll(async () => {
    t = await createTestApp({ env: { TIME_ZONE } });
    const db = t.database.db;
    const author = await t.createUser({ username: 'secret-login' });
    await db.update(users).set({ firstName: 'Анна', lastName: 'Петрова' }).where(eq(users.id, author.id));
    const idle = await t.createUser({ username: 'idle' });
    authorId = author.id;
    idleId = idle.id;
    const [category] = await db.insert(categories).values({ name: 'Заметки', slug: 'notes' }).returning();
    const published = (iso: string) => ({ status: 'published' as const, publishedAt: new Date(iso) });
    const rows = await db
      .insert(posts)
      .values([
        // 23:30 on 31 December in UTC is already 1 January in Moscow.
        {
          title: 'New year',
          slug: 'new-year',
          authorId,
          categoryId: category!.id,
          ...published('2025-12-31T21:30:00Z'),
        },
        { title: 'Old year', slug: 'old-year', authorId, ...published('2025-12-31T20:30:00Z') },
        { title: 'March', slug: 'march', ...published('2025-03-10T12:00:00Z') },
        { title: 'Hidden', slug: 'hidden', authorId: idleId, status: 'draft' as const },
      ])
      .returning();
    const [tag] = await db.insert(tags).values({ name: 'год' }).returning();
    await db.insert(postTags).values(rows.slice(0, 2).map((row) => ({ postId: row.id, tagId: tag!.id })));
    await db.insert(comments).values({
      postId: rows[0]!.id,
      name: 'Reader',
      email: 'reader@example.com',
      body: 'Nice',
      isApproved: true,
    });
  });

  afterAll(() => t?.close());

  it('an author page lists their public posts by user id; the username is never in it', async () => {
    const post = await get('/blog/new-year/');
    expect(post.body).toContain(`<a href="/blog/author/${authorId}/" rel="author">`);
    const page = await get(`/blog/author/${authorId}/`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Posts by Анна Петрова</h1>');
    expect(listedSlugs(page.body)).toEqual(['new-year', 'old-year']);
    expect(page.body).not.toContain('secret-login');
    // Someone without a public post, an unknown id or a name is not an author page.
    for (const id of [String(idleId), '999999', 'secret-login', '0', '01', '1'.repeat(30)]) {
      expect((await get(`/blog/author/${id}/`)).statusCode, id).toBe(404);
    }
  });

  it('years and months follow the site time zone; empty periods and bad numbers are 404', async () => {
    expect(listedSlugs((await get('/blog/2026/')).body)).toEqual(['new-year']);
    expect(listedSlugs((await get('/blog/2025/')).body)).toEqual(['old-year', 'march']);
    expect(listedSlugs((await get('/blog/2025/12/')).body)).toEqual(['old-year']);
    expect(listedSlugs((await get('/blog/2026/01/')).body)).toEqual(['new-year']);
    const russian = await get('/blog/2025/03/', 'ru');
    expect(russian.body).toContain('<h1>Записи за март 2025</h1>');
    expect((await get('/blog/2025/', 'ru')).body).toContain('<h1>Записи за 2025 год</h1>');
    expect((await get('/blog/2025/03/')).body).toContain('<h1>Posts from March 2025</h1>');
    for (const url of [
      '/blog/2024/',
      '/blog/2025/04/',
      '/blog/2025/13/',
      '/blog/2025/3/',
      '/blog/1969/',
      '/blog/9999/',
      '/blog/2025/xx/',
    ]) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
  });

  it('the main list links the categories and years with their counts; a year page its months', async () => {
    const main = await get('/blog/');
    expect(main.body).toMatch(
      /<a href="\/blog\/category\/notes\/">Заметки<\/a> <span class="ListNavigation-count">1<\/span>/,
    );
    expect(main.body).toMatch(
      /<a href="\/blog\/2026\/">2026<\/a> <span class="ListNavigation-count">1<\/span>/,
    );
    expect(main.body).toMatch(
      /<a href="\/blog\/2025\/">2025<\/a> <span class="ListNavigation-count">2<\/span>/,
    );
    expect(main.body.indexOf('/blog/2026/')).toBeLessThan(main.body.indexOf('/blog/2025/'));
    const year = await get('/blog/2025/', 'ru');
    expect(year.body).toMatch(/<a href="\/blog\/2025\/12\/">декабрь 2025<\/a>/);
    expect(year.body).toMatch(/<a href="\/blog\/2025\/03\/">март 2025<\/a>/);
    expect(year.body).not.toContain('ListNavigation-part" aria-labelledby="blog-categories"');
  });

  it('tag and author lists have their own Atom feed; the archive has none', async () => {
    const tagPage = await get('/blog/tag/%D0%B3%D0%BE%D0%B4/');
    expect(tagPage.body).toContain('href="/blog/tag/%D0%B3%D0%BE%D0%B4/feed/"');
    for (const url of ['/blog/tag/%D0%B3%D0%BE%D0%B4/feed/', `/blog/author/${authorId}/feed/`]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(200);
      expect(XMLValidator.validate(response.body)).toBe(true);
      const feed = xml.parse(response.body).feed as { entry: { title: string }[] };
      expect(feed.entry.map((entry) => entry.title)).toEqual(['New year', 'Old year']);
    }
    expect((await get('/blog/2025/')).body).not.toContain('application/atom+xml');
    expect((await get(`/blog/author/${idleId}/feed/`)).statusCode).toBe(404);
  });

  it('reads the main list in five queries, a tag or month list in three', async () => {
    const counted = await countingDb(t.database);
    try {
      const main = await loadPostList(counted.db, ALL_POSTS, 1, TIME_ZONE);
      expect(main.posts).toHaveLength(3);
      expect(main.commentCounts.get(main.posts[0]!.id)).toBe(1);
      expect(counted.queries).toHaveLength(5);
      counted.queries.length = 0;
      const tagged = await tagListing(counted.db, 'год');
      await loadPostList(counted.db, tagged, 1, TIME_ZONE);
      // One to find the tag, then count, page and comment counts.
      expect(counted.queries).toHaveLength(4);
      counted.queries.length = 0;
      await loadPostList(counted.db, archiveListing('2025', '12', TIME_ZONE), 1, TIME_ZONE);
      expect(counted.queries).toHaveLength(3);
    } finally {
      await counted.close();
    }
  });
});
