// The blog app: public list and post pages on the real installed apps, its admin registrations and actions.
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishNowAction, unpublishAction } from '../../src/apps/blog/admin.js';
import { categories, postLinks, posts, postTags, tags } from '../../src/apps/blog/schema.js';
import { AdminSite } from '../../src/contrib/admin/site.js';
import type { StoredImage } from '../../src/contrib/media/fields.js';
import { installedApps } from '../../src/installed-apps.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);
/** post-00 is the newest public post, post-11 the oldest. */
const slugOf = (index: number) => `post-${String(index).padStart(2, '0')}`;

const COVER: StoredImage = {
  name: 'uploads/2026/01/cover-3f9a.jpg',
  size: 1234,
  contentType: 'image/jpeg',
  originalName: 'cover.jpg',
  width: 800,
  height: 600,
};

describe(`blog pages (${ENGINE})`, () => {
  let t: TestApp;
  let ids: Record<string, number>;
  const get = (url: string) => t.app.inject({ url, headers: { host: 'localhost' } });
  /** The post slugs a list page links, in page order. */
  const listedSlugs = (html: string) =>
    [...html.matchAll(/<h2 class="PostList-title"><a href="\/blog\/([^/"]+)\/">/g)].map((match) => match[1]);

  beforeAll(async () => {
    t = await createTestApp();
    const { db } = t.database;
    const [life, engineering] = await db
      .insert(categories)
      .values([
        { name: 'Life', slug: 'life' },
        { name: 'Engineering', slug: 'engineering' },
      ])
      .returning();
    const [postgres, typescript] = await db
      .insert(tags)
      .values([{ name: 'postgres' }, { name: 'type script' }])
      .returning();
    const publicPosts = Array.from({ length: 12 }, (_, index) => ({
      title: `Post number ${index}`,
      slug: slugOf(index),
      summary: `Summary of post ${index}`,
      status: 'published' as const,
      publishedAt: daysAgo(index + 1),
      categoryId: index < 3 ? life!.id : engineering!.id,
    }));
    const rows = await db
      .insert(posts)
      .values([
        ...publicPosts,
        { title: 'A draft', slug: 'a-draft', status: 'draft', publishedAt: daysAgo(1) },
        {
          title: 'Scheduled',
          slug: 'scheduled',
          status: 'published',
          publishedAt: new Date(Date.now() + DAY),
        },
        { title: 'Undated', slug: 'undated', status: 'published', publishedAt: null },
      ])
      .returning({ id: posts.id, slug: posts.slug });
    ids = Object.fromEntries(rows.map((row) => [row.slug, row.id]));
    await db.insert(postTags).values([
      { postId: ids['post-01']!, tagId: postgres!.id },
      { postId: ids['post-05']!, tagId: postgres!.id },
      { postId: ids['a-draft']!, tagId: postgres!.id },
      { postId: ids.scheduled!, tagId: typescript!.id },
      { postId: ids['post-00']!, tagId: typescript!.id },
    ]);
    await db
      .update(posts)
      .set({
        body: 'First line\nsecond line\n\n<script>alert("x")</script>\n\n\n  Third & last.  ',
        cover: COVER,
        readingMinutes: 7,
      })
      .where(eq(posts.id, ids['post-00']!));
    await db.insert(postLinks).values([
      { postId: ids['post-00']!, title: 'Docs link', url: 'https://example.com/docs?a=1&b=2', position: 3 },
      {
        postId: ids['post-00']!,
        title: 'Script link',
        url: 'javascript:alert(document.cookie)',
        position: 0,
      },
      { postId: ids['post-00']!, title: 'Spec link', url: 'http://example.org/spec', position: 1 },
      { postId: ids['post-00']!, title: 'Sneaky link', url: '  JaVaScRiPt:alert(1)', position: 2 },
      { postId: ids['post-00']!, title: 'Data link', url: 'data:text/html,<b>hi</b>', position: 4 },
    ]);
  });
  afterAll(() => t?.close());

  it('speaks Russian to a Russian browser: headings, paging, plural reading times, dates', async () => {
    const russian = (url: string) =>
      t.app.inject({ url, headers: { host: 'localhost', 'accept-language': 'ru-RU,ru;q=0.9' } });
    const list = await russian('/blog/category/engineering/');
    expect(list.body).toContain('<html lang="ru">');
    expect(list.body).toContain('<h1>Записи в рубрике «Engineering»</h1>');
    expect(list.body).toContain('Все записи');
    const all = await russian('/blog/');
    expect(all.body).toContain('Страница 1 из 2');
    expect(all.body).toContain('Более старые записи →');
    const post = await russian(`/blog/${slugOf(0)}/`);
    expect(post.body).toContain('7 минут чтения');
    expect(post.body).toContain('Что ещё почитать');
    const published = /<time datetime="([^"]+)">([^<]+)<\/time>/i.exec(post.body);
    const when = new Date(published?.[1] as string);
    const expected = new Intl.DateTimeFormat('ru', { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(
      when,
    );
    expect(published?.[2]).toBe(`${expected} ${when.getUTCFullYear()}`);
    for (const english of ['min read', 'Page 1', 'Further reading', 'All posts', 'Log in']) {
      expect(post.body + all.body + list.body, english).not.toContain(english);
    }
  });

  it('lists public posts newest first, 10 a page; drafts, future and undated posts are absent', async () => {
    const first = await get('/blog/');
    expect(first.statusCode).toBe(200);
    expect(listedSlugs(first.body)).toEqual(Array.from({ length: 10 }, (_, index) => slugOf(index)));
    expect(first.body).toContain('Summary of post 0');
    expect(first.body).toContain('<a href="/blog/category/life/">Life</a>');
    expect(first.body).toContain('href="/blog/?page=2"');
    expect(first.body).toContain('Page 1 of 2');
    const second = await get('/blog/?page=2');
    expect(second.statusCode).toBe(200);
    expect(listedSlugs(second.body)).toEqual([slugOf(10), slugOf(11)]);
    expect(second.body).toContain('href="/blog/"');
    expect(second.body).not.toContain('rel="next"');
    expect(listedSlugs((await get('/blog/?page=last')).body)).toEqual([slugOf(10), slugOf(11)]);
    for (const page of [first, second]) {
      for (const hidden of ['a-draft', 'scheduled', 'undated'])
        expect(page.body).not.toContain(`/blog/${hidden}/`);
    }
  });

  it('a page past the end or a malformed page number is a 404', async () => {
    for (const page of ['3', '0', '-1', 'abc', '1.5', '2x', '99999999999999999999']) {
      expect((await get(`/blog/?page=${page}`)).statusCode, `?page=${page}`).toBe(404);
    }
    // Empty is the first page, as in Django; with repeats the last one counts.
    expect(listedSlugs((await get('/blog/?page=')).body)[0]).toBe(slugOf(0));
    expect(listedSlugs((await get('/blog/?page=1&page=2')).body)[0]).toBe(slugOf(10));
  });

  it('narrows the list to a category or a tag at its own address; the old query filters redirect', async () => {
    const life = await get('/blog/category/life/');
    expect(life.statusCode).toBe(200);
    expect(life.body).toContain('Posts in Life');
    expect(listedSlugs(life.body)).toEqual([slugOf(0), slugOf(1), slugOf(2)]);
    const engineering = await get('/blog/category/engineering/?page=2');
    expect(engineering.statusCode).toBe(404);
    const engineeringFirst = await get('/blog/category/engineering/');
    expect(listedSlugs(engineeringFirst.body)).toEqual(
      Array.from({ length: 9 }, (_, index) => slugOf(index + 3)),
    );
    // The draft also carries the tag; only public posts count.
    const tagged = await get('/blog/tag/postgres/');
    expect(listedSlugs(tagged.body)).toEqual([slugOf(1), slugOf(5)]);
    expect(tagged.body).toContain('Posts tagged “postgres”');
    const spaced = await get('/blog/tag/type%20script/');
    expect(listedSlugs(spaced.body)).toEqual([slugOf(0)]);
    expect((await get('/blog/category/no-such-category/')).statusCode).toBe(404);
    expect((await get('/blog/tag/no-such-tag/')).statusCode).toBe(404);
    // Links of earlier versions keep working.
    const moved = await get('/blog/?category=life&page=2');
    expect(moved.statusCode).toBe(301);
    expect(moved.headers.location).toBe('/blog/category/life/?page=2');
    expect((await get('/blog/?tag=type%20script')).headers.location).toBe('/blog/tag/type%20script/');
    expect((await get('/blog/feed/?tag=postgres')).headers.location).toBe('/blog/tag/postgres/feed/');
  });

  it('page links keep the filter', async () => {
    const { db } = t.database;
    const [extra] = await db.insert(tags).values({ name: 'many' }).returning();
    await db
      .insert(postTags)
      .values(Array.from({ length: 11 }, (_, index) => ({ postId: ids[slugOf(index)]!, tagId: extra!.id })));
    const first = await get('/blog/tag/many/');
    expect(first.body).toContain('href="/blog/tag/many/?page=2"');
    const second = await get('/blog/tag/many/?page=2');
    expect(listedSlugs(second.body)).toEqual([slugOf(10)]);
    expect(second.body).toContain('href="/blog/tag/many/"');
  });

  it('shows a post: body rendered and sanitized, cover from the media storage, tags, links in order', async () => {
    const page = await get('/blog/post-00/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Post number 0</h1>');
    // The body is Markdown, rendered and sanitized: the script is gone, text is escaped.
    expect(page.body).toContain('<p>First line\nsecond line</p>');
    expect(page.body).not.toContain('<script>');
    expect(page.body).not.toContain('alert(');
    expect(page.body).toContain('<p>Third &amp; last.</p>');
    expect(page.body).toContain(`src="${t.app.media.url(COVER.name)}"`);
    expect(page.body).toContain('width="800" height="600"');
    expect(page.body).toContain('7 min read');
    expect(page.body).toContain('<a href="/blog/tag/type%20script/">type script</a>');
    expect(page.body).toContain('<a href="/blog/category/life/">Life</a>');
    const titles = [...page.body.matchAll(/<li>(?:<a [^>]*>)?(\w+ link)/g)].map((match) => match[1]);
    expect(titles).toEqual(['Script link', 'Spec link', 'Sneaky link', 'Docs link', 'Data link']);
    expect(page.body).toContain(
      '<a href="https://example.com/docs?a=1&amp;b=2" rel="noopener noreferrer">Docs link</a>',
    );
    expect(page.body).toContain('<a href="http://example.org/spec" rel="noopener noreferrer">Spec link</a>');
    expect(page.body).toContain('<li>Script link</li>');
    expect(page.body).toContain('<li>Sneaky link</li>');
    expect(page.body).toContain('<li>Data link</li>');
    expect(page.body.toLowerCase()).not.toContain('javascript:');
    expect(page.body).not.toContain('data:text/html');
    // A post without a cover has no image.
    expect((await get('/blog/post-01/')).body).not.toContain('Post-cover');
  });

  it('drafts, future and undated posts are 404, for staff too', async () => {
    for (const slug of ['a-draft', 'scheduled', 'undated', 'no-such-post', 'x'.repeat(99)]) {
      expect((await get(`/blog/${slug}/`)).statusCode, slug).toBe(404);
    }
    await t.createUser({ username: 'editor', isStaff: true, isSuperuser: true });
    const staff = new TestClient(t.app);
    expect((await staff.login('editor', GOOD_PASSWORD)).statusCode).toBe(303);
    expect((await staff.get('/blog/a-draft/')).statusCode).toBe(404);
    expect((await staff.get('/blog/scheduled/')).statusCode).toBe(404);
    expect((await staff.get('/blog/post-03/')).statusCode).toBe(200);
  });

  it('adds the trailing slash, and serves its stylesheet', async () => {
    const bare = await get('/blog/post-00');
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/blog/post-00/');
    expect((await get('/blog/')).body).toContain('<link rel="stylesheet" href="/static/css/blog.css"/>');
    const css = await get('/static/css/blog.css');
    expect(css.statusCode).toBe(200);
    expect(css.body).toContain('.PostList');
  });

  it('"Publish now" publishes and dates undated posts, keeps a scheduled time; "Unpublish" makes drafts', async () => {
    const { db } = t.database;
    const [draft, undated] = await db
      .insert(posts)
      .values([
        { title: 'Action draft', slug: 'action-draft', status: 'draft' },
        { title: 'Action undated', slug: 'action-undated', status: 'published' },
      ])
      .returning();
    const scheduledAt = (await db.select().from(posts).where(eq(posts.id, ids.scheduled!)))[0]!.publishedAt;
    const user = { id: 1, username: 'editor' };
    const selected = [String(draft!.id), String(undated!.id), String(ids.scheduled), 'not-an-id'];
    const message = await db.transaction((tx) =>
      publishNowAction.run({ tx, ids: selected, user, language: 'en', stores: t.app.keen.stores }),
    );
    expect(message).toBe('Published 3 posts.');
    // The admin refreshes cached pages after an action; this test runs the action directly.
    await t.app.pageCache?.invalidate();
    const after = await db
      .select()
      .from(posts)
      .where(inArray(posts.id, [draft!.id, undated!.id, ids.scheduled!]));
    for (const row of after) {
      expect(row.status).toBe('published');
      expect(row.publishedAt).toBeInstanceOf(Date);
    }
    expect(after.find((row) => row.id === ids.scheduled)!.publishedAt).toEqual(scheduledAt);
    expect(
      Math.abs(after.find((row) => row.id === draft!.id)!.publishedAt!.getTime() - Date.now()),
    ).toBeLessThan(60_000);
    expect((await get('/blog/action-draft/')).statusCode).toBe(200);
    expect((await get('/blog/scheduled/')).statusCode).toBe(404);

    const unpublished = await db.transaction((tx) =>
      unpublishAction.run({ tx, ids: [draft!.id], user, language: 'ru', stores: t.app.keen.stores }),
    );
    expect(unpublished).toBe('Снято с публикации: 1 запись.');
    await t.app.pageCache?.invalidate();
    expect((await get('/blog/action-draft/')).statusCode).toBe(404);
    await db.delete(posts).where(inArray(posts.id, [draft!.id, undated!.id]));
  });
});

describe('blog admin registrations', () => {
  const site = new AdminSite(installedApps, '/admin/');

  it('are accepted by the admin site, with the options resolved', () => {
    const post = site.find('blog', 'post');
    expect(post).toBeDefined();
    expect(post!.listColumns.map((column) => column.label)).toEqual([
      'Title',
      'Status',
      'Category',
      'Published at',
      'Cover',
    ]);
    expect(post!.ordering.map((key) => [key.field.key, key.descending])).toEqual([
      ['publishedAt', true],
      ['id', true],
    ]);
    expect(
      post!.fieldsets.map((set) => [set.title, set.fields.map((field) => field.key), set.collapsed]),
    ).toEqual([
      [undefined, ['title', 'slug', 'summary', 'body', 'bodyFormat', 'cover'], undefined],
      ['Publishing', ['status', 'publishedAt', 'categoryId', 'authorId', 'readingMinutes'], undefined],
      ['Search engines and comments', ['metaDescription', 'commentsOpen'], true],
      ['Advanced', ['extra'], true],
    ]);
    expect(post!.inlines[0]!.model).toBe('postlink');
    expect(post!.inlines[0]!.formFields.map((field) => field.key)).toEqual(['title', 'url', 'position']);
    expect(post!.manyToMany[0]!.target).toBe(tags);
    expect(site.find('blog', 'category')!.verboseNamePlural).toBe('categories');
    expect(site.find('blog', 'tag')).toBeDefined();
  });

  it('computes the cover column, the view-on-site link and the form checks', () => {
    const post = site.find('blog', 'post')!;
    const options = post.options;
    const cover = post.listColumns[4];
    expect(cover?.type).toBe('computed');
    if (cover?.type !== 'computed') return;
    const base = { slug: 'hello-world', status: 'published', publishedAt: daysAgo(1), cover: null };
    expect(cover.computed.value(base)).toBe(false);
    expect(cover.computed.value({ ...base, cover: COVER })).toBe(true);
    expect(options.viewOnSite?.(base as never)).toBe('/blog/hello-world/');
    expect(options.viewOnSite?.({ ...base, status: 'draft' } as never)).toBeNull();
    expect(options.viewOnSite?.({ ...base, publishedAt: new Date(Date.now() + DAY) } as never)).toBeNull();

    const validate = (values: Record<string, unknown>, existing: Record<string, unknown> | null = null) =>
      options.validate?.(values as never, existing as never, { language: 'en' });
    expect(validate({ slug: 'fine-slug-2', status: 'draft' })).toEqual({});
    expect(validate({ slug: 'Not OK', status: 'draft' })).toHaveProperty('slug');
    expect(validate({ slug: 'trailing-', status: 'draft' })).toHaveProperty('slug');
    // An empty slug is made on save; a missing publication time is set on the first publish.
    expect(validate({ slug: '', status: 'draft' })).toEqual({});
    expect(validate({ slug: 'ok', status: 'published', publishedAt: null })).toEqual({});
    // Fields left out of the form are taken from the stored row.
    expect(validate({ title: 'x' }, { slug: 'Bad Slug' })).toHaveProperty('slug');
    expect(
      site
        .find('blog', 'category')!
        .options.validate?.({ slug: 'Bad Slug' } as never, null, { language: 'ru' }),
    ).toEqual({
      slug: [
        'Используйте только строчные латинские буквы, цифры и дефисы (без дефиса в начале, в конце и двух подряд).',
      ],
    });
  });
});
