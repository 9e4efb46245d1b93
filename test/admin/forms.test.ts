// The add/change forms driven as a browser drives them (read the page, change some fields, submit the
// multipart form): every column kind of the blog post, the résumé and the skills, with their errors,
// uploads, many-to-many links, inline rows, the save buttons, and the history they leave behind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, count, eq, inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categories, postLinks, posts, postTags, tags } from '../../src/apps/blog/schema.js';
import { experience, profiles, skills } from '../../src/apps/resume/schema.js';
import { defineAdmin } from '../../src/contrib/admin/define.js';
import { adminLog } from '../../src/contrib/admin/schema.js';
import { users } from '../../src/contrib/auth/schema.js';
import type { StoredImage } from '../../src/contrib/media/fields.js';
import { installedApps } from '../../src/installed-apps.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { pngBytes } from '../media/support.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { ADMIN, staffClient } from './support.js';
import {
  type AdminTestApp,
  attributesOf,
  type Changes,
  createAdminTestApp,
  fieldErrors,
  fieldValue,
  follow,
  formErrors,
  messagesOf,
  openAndSubmit,
  pageText,
  readForm,
  recentActionsOf,
} from './view-helpers.js';

const TIME_ZONE = 'Europe/Moscow';
const POSTS = `${ADMIN}blog/post/`;

/** A post that passes every check; tests change what they are about. */
const VALID_POST: Changes = {
  title: 'A valid post',
  slug: 'a-valid-post',
  summary: 'Short',
  body: 'Body text',
  status: 'draft',
  extra: '{}',
};

describe(`admin forms (${ENGINE})`, () => {
  let t: AdminTestApp;
  let root: TestClient;
  let newsId: number;
  let techId: number;
  const tagIds: Record<string, number> = {};
  const memberId: Record<string, number> = {};

  const db = () => t.database.db;
  const postCount = async () => (await db().select({ n: count() }).from(posts))[0]?.n ?? 0;
  const postBySlug = async (slug: string) => (await db().select().from(posts).where(eq(posts.slug, slug)))[0];
  const changeUrl = (id: number) => `${POSTS}${id}/change/`;

  /** The id in a `…/<id>/change/` redirect. */
  const idFromLocation = (location: unknown) => Number(/\/(\d+)\/change\/$/.exec(String(location))?.[1]);

  async function insertPost(values: Partial<typeof posts.$inferInsert> & { slug: string }) {
    const [row] = await db()
      .insert(posts)
      .values({ title: values.slug, ...values })
      .returning();
    return row!;
  }

  beforeAll(async () => {
    t = await createAdminTestApp({ TIME_ZONE });
    const [news, tech] = await db()
      .insert(categories)
      .values([
        { name: 'News', slug: 'news' },
        { name: 'Tech', slug: 'tech' },
      ])
      .returning();
    newsId = news!.id;
    techId = tech!.id;
    for (const row of await db()
      .insert(tags)
      .values([{ name: 'alpha' }, { name: 'beta' }, { name: 'gamma' }])
      .returning()) {
      tagIds[row.name] = row.id;
    }
    // 150 users: more than a select may list, so a user foreign key is a search box.
    await db().execute(
      sql`INSERT INTO auth_user (username, email, password)
          SELECT 'member' || lpad(g::text, 3, '0'), 'm' || g || '@example.com', '!'
          FROM generate_series(1, 150) AS g`,
    );
    for (const row of await db()
      .select({ id: users.id, username: users.username })
      .from(users)
      .where(like(users.username, 'member%'))) {
      memberId[row.username] = row.id;
    }
    root = await staffClient(t, 'root', { superuser: true });
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('blog posts', () => {
    it('adds a post with every kind of column, stores each value right and shows it back', async () => {
      const addPage = await root.get(`${POSTS}add/`);
      expect(addPage.statusCode).toBe(200);
      const blank = readForm(addPage.body);
      // Column defaults fill the add form; date-times say which zone they are in.
      expect(fieldValue(blank, 'status')).toBe('draft');
      expect(fieldValue(blank, 'extra')).toBe('{}');
      expect(fieldValue(blank, '_version')).toBe('');
      expect(pageText(addPage.body)).toContain(`Time zone: ${TIME_ZONE}`);

      const cover = await pngBytes(120, 80);
      const filesBefore = t.storedFiles();
      const response = await openAndSubmit(
        root,
        `${POSTS}add/`,
        {
          title: 'Every kind',
          slug: 'every-kind',
          summary: 'All the columns',
          body: 'First paragraph.\n\nSecond <b>paragraph</b> & more.',
          status: 'published',
          publishedAt: '2026-03-01T12:00',
          categoryId: String(techId),
          authorId: String(memberId.member042),
          extra: '{"canonical": "https://example.com/every-kind", "weight": 2}',
          tags: [String(tagIds.alpha), String(tagIds.gamma)],
          'blog_post_link-0-title': 'Further',
          'blog_post_link-0-url': 'https://example.com/further',
          'blog_post_link-0-position': '2',
        },
        { files: [['cover', { filename: 'cover.png', type: 'image/png', data: cover }]] },
      );
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(POSTS);
      expect(messagesOf((await follow(root, response)).body)).toEqual([
        'The post “Every kind” was added successfully.',
      ]);

      const row = await postBySlug('every-kind');
      expect(row).toMatchObject({
        title: 'Every kind',
        summary: 'All the columns',
        // Line breaks arrive as CRLF, as browsers send a textarea's value (the blog reads both).
        body: 'First paragraph.\r\n\r\nSecond <b>paragraph</b> & more.',
        status: 'published',
        categoryId: techId,
        authorId: memberId.member042,
        // Computed from the body, not typed.
        readingMinutes: 1,
        extra: { canonical: 'https://example.com/every-kind', weight: 2 },
      });
      // 12:00 in Moscow (UTC+3) is 09:00 UTC.
      expect(row?.publishedAt?.toISOString()).toBe('2026-03-01T09:00:00.000Z');
      const stored = row?.cover as StoredImage;
      expect(stored).toMatchObject({
        contentType: 'image/png',
        originalName: 'cover.png',
        width: 120,
        height: 80,
      });
      expect(t.storedFiles()).toEqual([...filesBefore, stored.name].sort());
      const links = await db().select().from(postLinks).where(eq(postLinks.postId, row!.id));
      expect(links).toMatchObject([{ title: 'Further', url: 'https://example.com/further', position: 2 }]);
      const tagLinks = await db().select().from(postTags).where(eq(postTags.postId, row!.id));
      expect(tagLinks.map((link) => link.tagId).sort()).toEqual([tagIds.alpha, tagIds.gamma].sort());

      // The change form shows every value back, the date-time in the zone again.
      const page = await root.get(changeUrl(row!.id));
      const form = readForm(page.body);
      expect(fieldValue(form, 'publishedAt')).toBe('2026-03-01T12:00');
      expect(fieldValue(form, 'body')).toBe('First paragraph.\r\n\r\nSecond <b>paragraph</b> & more.');
      expect(fieldValue(form, 'categoryId')).toBe(String(techId));
      expect(fieldValue(form, 'authorId')).toBe(String(memberId.member042));
      expect(page.body).toContain(
        '<span class="AdminField-selected" id="id_authorId_selected">member042</span>',
      );
      expect(form.fields.filter(([name]) => name === 'tags').map(([, value]) => value)).toEqual(
        [tagIds.alpha, tagIds.gamma].map(String),
      );
      expect(JSON.parse(fieldValue(form, 'extra') ?? '')).toEqual({
        canonical: 'https://example.com/every-kind',
        weight: 2,
      });
      expect(fieldValue(form, 'blog_post_link-0-title')).toBe('Further');
      // The markup in the body is text, never markup.
      expect(page.body).not.toContain('<b>paragraph</b>');
      // The stored cover is the uploaded file, and the form shows it.
      expect(readFileSync(join(t.mediaRoot, stored.name)).equals(cover)).toBe(true);
      const mediaUrl = `/media/${stored.name}`;
      expect(page.body).toContain(
        `<a href="${mediaUrl}"><img src="${mediaUrl}" width="120" alt/>cover.png</a>`,
      );
      // The change list shows the time in the zone too.
      expect(pageText((await root.get(`${POSTS}?q=every`)).body)).toContain('2026-03-01 12:00');
    });

    it.each<[string, Changes, string, string]>([
      [
        'varchar longer than its maxlength',
        { title: 'x'.repeat(201) },
        'title',
        'Ensure this value has at most 200 characters (it has 201).',
      ],
      ['a required field left empty', { title: '   ' }, 'title', 'This field is required.'],
      [
        'a value not among the enum choices',
        { status: 'archived' },
        'status',
        'Select a valid choice. archived is not one of the available choices.',
      ],
      [
        'an integer that is not one',
        {
          'blog_post_link-0-title': 'Link',
          'blog_post_link-0-url': 'https://example.com/',
          'blog_post_link-0-position': '2.5',
        },
        'blog_post_link-0-position',
        'Enter a whole number.',
      ],
      [
        'a date-time that is not one',
        { publishedAt: '2026-02-30T12:00' },
        'publishedAt',
        'Enter a valid date/time.',
      ],
      [
        'JSON with a syntax error',
        { extra: '{\n  "a": 1,\n}' },
        'extra',
        'Enter valid JSON: unexpected "}", expected a "quoted" property name at line 3, column 1.',
      ],
      [
        'a category that does not exist',
        { categoryId: '99999' },
        'categoryId',
        'Select a valid choice. That choice is not one of the available choices.',
      ],
      [
        'an author that is not an id',
        { authorId: 'member001' },
        'authorId',
        'Select a valid choice. That choice is not one of the available choices.',
      ],
      ['a tag id that is not a number', { tags: ['alpha'] }, 'tags', 'Select valid choices.'],
      [
        'a slug the app refuses',
        { slug: 'Not A Slug' },
        'slug',
        'Use only lower-case letters, digits and hyphens (no hyphen at either end or twice in a row).',
      ],
      [
        'a link row with its required url missing',
        { 'blog_post_link-0-title': 'No url' },
        'blog_post_link-0-url',
        'This field is required.',
      ],
      ...[
        'javascript:alert(1)',
        '  JaVaScRiPt:alert(1)',
        'java\tscript:alert(1)',
        'data:text/html,<script>alert(1)</script>',
        'vbscript:msgbox(1)',
        'VBScript:msgbox(1)',
        '\u0001\u0002javascript:alert(1)',
        '\u00a0javascript:alert(1)',
        'file:///etc/passwd',
        'ftp://example.com/file',
        'https://',
        '//evil.example/path',
        '/a/site-path/',
        'not a url',
      ].map((url): [string, Changes, string, string] => [
        `a link row with the url ${JSON.stringify(url)}`,
        { 'blog_post_link-0-title': 'Sneaky', 'blog_post_link-0-url': url },
        'blog_post_link-0-url',
        'Enter a valid URL starting with http:// or https://.',
      ]),
      [
        'a link whose escaped form is longer than its column',
        {
          'blog_post_link-0-title': 'Long',
          'blog_post_link-0-url': `https://example.com/${'ä'.repeat(200)}`,
        },
        'blog_post_link-0-url',
        'Ensure this value has at most 500 characters (it has 1220).',
      ],
    ])(
      'refuses %s with a field error (400), stores nothing and keeps what was typed',
      async (_what, changes, field, message) => {
        const before = await postCount();
        const logBefore = (await db().select({ n: count() }).from(adminLog))[0]?.n;
        const response = await openAndSubmit(root, `${POSTS}add/`, { ...VALID_POST, ...changes });
        expect(response.statusCode).toBe(400);
        expect(fieldErrors(response.body, field)).toEqual([message]);
        expect(pageText(response.body)).toContain('Please correct the error below.');
        expect(await postCount()).toBe(before);
        expect((await db().select({ n: count() }).from(adminLog))[0]?.n).toBe(logBefore);
        // The form comes back with the values as typed, ready to fix.
        const again = readForm(response.body);
        for (const [name, value] of Object.entries({ ...VALID_POST, ...changes })) {
          if (typeof value === 'string' && name !== field) expect(fieldValue(again, name), name).toBe(value);
        }
      },
    );

    it('refuses a tag that does not exist with a form error, not a 500', async () => {
      const response = await openAndSubmit(root, `${POSTS}add/`, {
        ...VALID_POST,
        slug: 'ghost-tag',
        tags: ['99999'],
      });
      expect(response.statusCode).toBe(400);
      expect(formErrors(response.body)).toEqual([
        'Select a valid choice. That choice is not one of the available choices.',
      ]);
      // The post and its links are one transaction: no post without its tags.
      expect(await postBySlug('ghost-tag')).toBeUndefined();
    });

    it('refuses a duplicate slug as a field error, and keeps no upload from the failed save', async () => {
      await insertPost({ slug: 'taken' });
      const before = t.storedFiles();
      const response = await openAndSubmit(
        root,
        `${POSTS}add/`,
        { ...VALID_POST, slug: 'taken' },
        { files: [['cover', { filename: 'cover.png', type: 'image/png', data: await pngBytes() }]] },
      );
      expect(response.statusCode).toBe(400);
      expect(fieldErrors(response.body, 'slug')).toEqual(['Post with this Slug already exists.']);
      expect((await db().select().from(posts).where(eq(posts.slug, 'taken'))).length).toBe(1);
      // The image was stored before the insert failed; it is deleted before the page is answered.
      expect(t.storedFiles()).toEqual(before);
    });

    it.each<[string, () => Promise<Uint8Array>, string]>([
      [
        'a PDF',
        async () => new TextEncoder().encode('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'),
        'This type of file is not accepted: upload a JPEG, PNG, WebP, or GIF file.',
      ],
      ['a truncated PNG', async () => (await pngBytes()).subarray(0, 200), ''],
    ])(
      'refuses %s as the cover with a field error (400) and stores nothing',
      async (_what, bytes, message) => {
        const before = t.storedFiles();
        const count0 = await postCount();
        const response = await openAndSubmit(
          root,
          `${POSTS}add/`,
          { ...VALID_POST, slug: 'bad-cover' },
          { files: [['cover', { filename: 'cover.png', type: 'image/png', data: await bytes() }]] },
        );
        expect(response.statusCode).toBe(400);
        const errors = fieldErrors(response.body, 'cover');
        expect(errors).toHaveLength(1);
        if (message) expect(errors).toEqual([message]);
        else expect(errors[0]).toMatch(/\S/);
        // The rest of the form comes back as typed.
        expect(fieldValue(readForm(response.body), 'slug')).toBe('bad-cover');
        expect(await postCount()).toBe(count0);
        expect(t.storedFiles()).toEqual(before);
      },
    );

    const textAsImage = () =>
      openAndSubmit(
        root,
        `${POSTS}add/`,
        { ...VALID_POST, slug: 'text-cover' },
        {
          files: [
            [
              'cover',
              {
                filename: 'cover.png',
                type: 'image/png',
                data: new TextEncoder().encode('not a png at all\n'),
              },
            ],
          ],
        },
      );

    it('refuses a text file posing as an image, storing nothing', async () => {
      const before = t.storedFiles();
      const count0 = await postCount();
      const response = await textAsImage();
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(await postCount()).toBe(count0);
      expect(t.storedFiles()).toEqual(before);
    });

    // The upload is refused while it streams in, and still lands on its field (receiveForm's collectRefusals).
    it('refuses a text file posing as an image as a field error on the form (400)', async () => {
      const response = await textAsImage();
      expect(response.statusCode).toBe(400);
      // The message names what the cover takes (images), not every type an upload may have (PDF).
      expect(fieldErrors(response.body, 'cover')).toEqual([
        'This type of file is not accepted: upload a JPEG, PNG, WebP, or GIF file.',
      ]);
      // The other fields were read too: the form comes back with what was typed.
      expect(response.body).toContain('name="title"');
    });

    it('replaces and clears the cover image', async () => {
      const post = await insertPost({ slug: 'with-cover' });
      const first = await openAndSubmit(
        root,
        changeUrl(post.id),
        {},
        {
          files: [['cover', { filename: 'one.png', type: 'image/png', data: await pngBytes(40, 30) }]],
        },
      );
      expect(first.statusCode).toBe(303);
      const one = (await postBySlug('with-cover'))?.cover as StoredImage;
      expect(one).toMatchObject({ originalName: 'one.png', width: 40, height: 30 });

      const second = await openAndSubmit(
        root,
        changeUrl(post.id),
        {},
        {
          files: [['cover', { filename: 'two.png', type: 'image/png', data: await pngBytes(50, 20) }]],
        },
      );
      expect(second.statusCode).toBe(303);
      const two = (await postBySlug('with-cover'))?.cover as StoredImage;
      expect(two).toMatchObject({ originalName: 'two.png', width: 50, height: 20 });
      expect(two.name).not.toBe(one.name);
      expect(t.storedFiles()).toContain(two.name);

      // Saving without a new file keeps the stored one.
      expect((await openAndSubmit(root, changeUrl(post.id), { title: 'Renamed' })).statusCode).toBe(303);
      expect((await postBySlug('with-cover'))?.cover).toMatchObject({ name: two.name });

      const page = await root.get(changeUrl(post.id));
      expect(page.body).toContain('name="cover-clear"');
      const cleared = await openAndSubmit(root, changeUrl(post.id), { 'cover-clear': 'on' });
      expect(cleared.statusCode).toBe(303);
      expect((await postBySlug('with-cover'))?.cover).toBeNull();
    });

    it('offers a select for a small table and a search box for a big one (autocomplete)', async () => {
      const page = await root.get(`${POSTS}add/`);
      // Categories (2 rows): a select of them all.
      expect(page.body).toMatch(/<select id="id_categoryId" name="categoryId">/);
      expect(page.body).toContain(`<option value="${newsId}">News</option>`);
      // Users (150+): a text box that searches, never a select of every user.
      const authorInput = /<input[^>]*name="authorId"[^>]*>/.exec(page.body)?.[0] ?? '';
      const attributes = attributesOf(authorInput);
      expect(attributes.get('type')).toBe('text');
      expect(attributes.get('data-autocomplete-url')).toBe(
        `${ADMIN}autocomplete/?app=blog&model=post&field=authorId`,
      );
      expect(page.body).not.toContain('member150');

      // More than 100 categories turn the category field into a search box too.
      await db()
        .insert(categories)
        .values(Array.from({ length: 100 }, (_, i) => ({ name: `Bulk ${i}`, slug: `bulk-${i}` })));
      try {
        const big = await root.get(`${POSTS}add/`);
        expect(big.body).not.toMatch(/<select id="id_categoryId"/);
        expect(
          attributesOf(/<input[^>]*name="categoryId"[^>]*>/.exec(big.body)?.[0] ?? '').get(
            'data-autocomplete-url',
          ),
        ).toBe(`${ADMIN}autocomplete/?app=blog&model=post&field=categoryId`);
        // The selected one is named next to the box.
        const post = await insertPost({ slug: 'in-news', categoryId: newsId });
        expect((await root.get(changeUrl(post.id))).body).toContain(
          '<span class="AdminField-selected" id="id_categoryId_selected">News</span>',
        );
      } finally {
        await db().delete(categories).where(like(categories.slug, 'bulk-%'));
      }
    });

    it('the autocomplete endpoint pages matching users 20 at a time, with `more`', async () => {
      const search = async (term: string, page?: string) => {
        const query = new URLSearchParams({ app: 'blog', model: 'post', field: 'authorId', term });
        if (page) query.set('page', page);
        const response = await root.get(`${ADMIN}autocomplete/?${query}`);
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        return response.json() as { results: { id: string; text: string }[]; pagination: { more: boolean } };
      };
      // member100 … member150: 51 users, in pages of 20, 20 and 11.
      const pages = [await search('member1'), await search('member1', '2'), await search('member1', '3')];
      expect(pages.map((page) => page.results.length)).toEqual([20, 20, 11]);
      expect(pages.map((page) => page.pagination.more)).toEqual([true, true, false]);
      const found = pages.flatMap((page) => page.results);
      expect(found.map((result) => result.text)).toEqual(
        Array.from({ length: 51 }, (_, i) => `member${100 + i}`),
      );
      expect(found[0]).toEqual({ id: String(memberId.member100), text: 'member100' });
      // Case does not matter; other fields (email) are searched too; a page past the end is empty.
      expect((await search('MEMBER042')).results).toEqual([
        { id: String(memberId.member042), text: 'member042' },
      ]);
      expect((await search('m42@example')).results.map((result) => result.text)).toEqual(['member042']);
      expect(await search('member1', '4')).toEqual({ results: [], pagination: { more: false } });
      // LIKE wildcards are text: "%" matches nothing here.
      expect((await search('%')).results).toEqual([]);
      // A bad page number is page 1.
      expect((await search('member1', 'abc')).results[0]?.text).toBe('member100');
      // No term: every user, 20 at a time.
      const all = await search('');
      expect(all.results).toHaveLength(20);
      expect(all.pagination.more).toBe(true);
    });

    it('adds and removes tags (many-to-many) and logs which relation changed', async () => {
      const post = await insertPost({ slug: 'tagged' });
      await db()
        .insert(postTags)
        .values([
          { postId: post.id, tagId: tagIds.alpha! },
          { postId: post.id, tagId: tagIds.beta! },
        ]);
      const other = await insertPost({ slug: 'tagged-other' });
      await db().insert(postTags).values({ postId: other.id, tagId: tagIds.beta! });
      const page = readForm((await root.get(changeUrl(post.id))).body);
      expect(
        page.fields
          .filter(([name]) => name === 'tags')
          .map(([, value]) => Number(value))
          .sort(),
      ).toEqual([tagIds.alpha, tagIds.beta].sort());
      const saved = await openAndSubmit(root, changeUrl(post.id), {
        tags: [String(tagIds.beta), String(tagIds.gamma)],
      });
      expect(saved.statusCode).toBe(303);
      const links = await db().select().from(postTags).where(eq(postTags.postId, post.id));
      expect(links.map((link) => link.tagId).sort()).toEqual([tagIds.beta, tagIds.gamma].sort());

      // None selected: the browser sends no `tags` at all.
      expect((await openAndSubmit(root, changeUrl(post.id), { tags: null })).statusCode).toBe(303);
      expect(await db().select().from(postTags).where(eq(postTags.postId, post.id))).toEqual([]);
      // Another post's links are untouched.
      expect(await db().select().from(postTags).where(eq(postTags.postId, other.id))).toEqual([
        { postId: other.id, tagId: tagIds.beta },
      ]);
      const history = pageText((await root.get(`${POSTS}${post.id}/history/`)).body);
      expect(history.match(/Changed tags\./g)).toHaveLength(2);
    });

    it('adds, changes and deletes inline links in one save', async () => {
      const post = await insertPost({ slug: 'linked' });
      const [keep, edit, drop] = await db()
        .insert(postLinks)
        .values([
          { postId: post.id, title: 'Keep', url: 'https://example.com/keep', position: 1 },
          { postId: post.id, title: 'Edit', url: 'https://example.com/edit', position: 2 },
          { postId: post.id, title: 'Drop', url: 'https://example.com/drop', position: 3 },
        ])
        .returning();
      const form = readForm((await root.get(changeUrl(post.id))).body);
      // Three rows in order of position, then one blank row for a new link.
      expect(fieldValue(form, 'blog_post_link-TOTAL')).toBe('4');
      expect(fieldValue(form, 'blog_post_link-1-id')).toBe(String(edit!.id));
      const saved = await openAndSubmit(root, changeUrl(post.id), {
        'blog_post_link-1-title': 'Edited',
        'blog_post_link-2-DELETE': 'on',
        'blog_post_link-3-title': 'New',
        'blog_post_link-3-url': 'https://example.com/new',
        'blog_post_link-3-position': '4',
      });
      expect(saved.statusCode).toBe(303);
      const links = await db()
        .select()
        .from(postLinks)
        .where(eq(postLinks.postId, post.id))
        .orderBy(postLinks.position);
      expect(links.map((link) => [link.title, link.url])).toEqual([
        ['Keep', 'https://example.com/keep'],
        ['Edited', 'https://example.com/edit'],
        ['New', 'https://example.com/new'],
      ]);
      expect(links[0]?.id).toBe(keep!.id);
      expect(links.some((link) => link.id === drop!.id)).toBe(false);
      const history = pageText((await root.get(`${POSTS}${post.id}/history/`)).body);
      expect(history).toContain('Added link. Changed link. Deleted link.');
    });

    it('stores a link as the normalised http(s) address the blog will link', async () => {
      const saved = await openAndSubmit(root, `${POSTS}add/`, {
        ...VALID_POST,
        slug: 'normalised-link',
        'blog_post_link-0-title': 'Spaced',
        'blog_post_link-0-url': '  HTTPS://Example.COM/a page?q=1  ',
      });
      expect(saved.statusCode).toBe(303);
      const [post] = await db().select().from(posts).where(eq(posts.slug, 'normalised-link'));
      const links = await db().select().from(postLinks).where(eq(postLinks.postId, post!.id));
      expect(links.map((link) => link.url)).toEqual(['https://example.com/a%20page?q=1']);
    });

    it('cannot edit or delete another post’s link by posting its id', async () => {
      const mine = await insertPost({ slug: 'mine' });
      const theirs = await insertPost({ slug: 'theirs' });
      const [foreign] = await db()
        .insert(postLinks)
        .values({ postId: theirs.id, title: 'Theirs', url: 'https://example.com/theirs' })
        .returning();
      const form = readForm((await root.get(changeUrl(mine.id))).body);
      const response = await root.postMultipart(form.action, [
        ...form.fields.filter(([name]) => name !== '_csrf' && !name.startsWith('blog_post_link-')),
        ['blog_post_link-TOTAL', '2'],
        ['blog_post_link-0-id', String(foreign!.id)],
        ['blog_post_link-0-title', 'Hijacked'],
        ['blog_post_link-0-url', 'https://evil.example/'],
        ['blog_post_link-1-id', String(foreign!.id)],
        ['blog_post_link-1-DELETE', 'on'],
        ['_save', '1'],
      ]);
      expect(response.statusCode).toBe(303);
      expect(await db().select().from(postLinks).where(eq(postLinks.id, foreign!.id))).toMatchObject([
        { postId: theirs.id, title: 'Theirs', url: 'https://example.com/theirs' },
      ]);
    });

    it('Save, Save and continue editing, and Save and add another go where Django’s do, with its messages', async () => {
      const cases: [string, 'add' | 'change', string, (id: number) => string, string][] = [
        ['_save', 'add', 'one', () => POSTS, 'The post “one” was added successfully.'],
        [
          '_continue',
          'add',
          'two',
          changeUrl,
          'The post “two” was added successfully. You may edit it again below.',
        ],
        [
          '_addanother',
          'add',
          'three',
          () => `${POSTS}add/`,
          'The post “three” was added successfully. You may add another post below.',
        ],
        ['_save', 'change', 'four', () => POSTS, 'The post “four” was changed successfully.'],
        [
          '_continue',
          'change',
          'five',
          changeUrl,
          'The post “five” was changed successfully. You may edit it again below.',
        ],
        [
          '_addanother',
          'change',
          'six',
          () => `${POSTS}add/`,
          'The post “six” was changed successfully. You may add another post below.',
        ],
      ];
      for (const [button, mode, title, target, message] of cases) {
        const existing = mode === 'change' ? await insertPost({ slug: `button-${title}` }) : null;
        const url = existing ? changeUrl(existing.id) : `${POSTS}add/`;
        const response = await openAndSubmit(
          root,
          url,
          { ...VALID_POST, title, slug: `button-${title}` },
          { button },
        );
        expect(response.statusCode, `${mode} ${button}`).toBe(303);
        const row = await postBySlug(`button-${title}`);
        expect(row?.title).toBe(title);
        expect(response.headers.location, `${mode} ${button}`).toBe(target(row!.id));
        const next = await follow(root, response);
        expect(next.statusCode).toBe(200);
        expect(messagesOf(next.body), `${mode} ${button}`).toEqual([message]);
      }
    });

    it('the history lists “Added.” then the changed fields by label, oldest first', async () => {
      const added = await openAndSubmit(
        root,
        `${POSTS}add/`,
        { ...VALID_POST, title: 'Storied', slug: 'storied' },
        { button: '_continue' },
      );
      const id = idFromLocation(added.headers.location);
      expect(
        (await openAndSubmit(root, changeUrl(id), { title: 'Storied again', body: 'New body' })).statusCode,
      ).toBe(303);
      expect(
        (
          await openAndSubmit(root, changeUrl(id), {
            summary: 'New summary',
            publishedAt: '2026-01-01T00:00',
          })
        ).statusCode,
      ).toBe(303);
      // A save that changes nothing says so.
      expect((await openAndSubmit(root, changeUrl(id))).statusCode).toBe(303);

      const page = await root.get(`${POSTS}${id}/history/`);
      expect(page.statusCode).toBe(200);
      const rows = [
        ...page.body.matchAll(
          /<tr><th scope="row"><time datetime="([^"]*)">([^<]*)<\/time><\/th><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g,
        ),
      ];
      expect(rows.map((row) => [row[3], row[4]])).toEqual([
        ['root', 'Added.'],
        ['root', 'Changed title and body.'],
        ['root', 'Changed summary and published at.'],
        ['root', 'No fields changed.'],
      ]);
      // Times are shown in TIME_ZONE (the machine-readable one stays UTC).
      const inZone = new Intl.DateTimeFormat('sv-SE', {
        timeZone: TIME_ZONE,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      });
      for (const row of rows) {
        expect(row[1]).toMatch(/Z$/);
        expect(row[2]).toBe(inZone.format(new Date(row[1] ?? '')));
      }
      const log = await db()
        .select()
        .from(adminLog)
        .where(and(eq(adminLog.model, 'post'), eq(adminLog.objectId, String(id))))
        .orderBy(adminLog.id);
      expect(log.map((entry) => entry.changes)).toEqual([
        {},
        // Keys, so the history page names them in each reader's language.
        { fields: ['title', 'body'] },
        { fields: ['summary', 'publishedAt'] },
        { fields: [] },
      ]);
    });

    it('a history page says when there is none, and pages 100 entries at a time', async () => {
      const post = await insertPost({ slug: 'long-story' });
      const url = `${POSTS}${post.id}/history/`;
      expect(pageText((await root.get(url)).body)).toContain(
        'This object doesn’t have a change history. It probably wasn’t added via this admin site.',
      );
      const [rootUser] = await db().select().from(users).where(eq(users.username, 'root'));
      await db()
        .insert(adminLog)
        .values(
          Array.from({ length: 101 }, (_, i) => ({
            userId: rootUser!.id,
            username: 'root',
            appLabel: 'blog',
            model: 'post',
            objectId: String(post.id),
            objectRepr: 'long-story',
            action: 'change' as const,
            changes: { note: `Entry ${i + 1}.` },
          })),
        );
      const first = await root.get(url);
      const entries = (html: string) => [...html.matchAll(/Entry (\d+)\./g)].map((match) => Number(match[1]));
      expect(entries(first.body)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(first.body).toContain('<a href="?p=2">Older entries</a>');
      const second = await root.get(`${url}?p=2`);
      expect(entries(second.body)).toEqual([101]);
      expect(second.body).toContain('<a href="?p=1">Newer entries</a>');
      expect(second.body).not.toContain('Older entries');
      expect((await root.get(`${url}?p=abc`)).statusCode).toBe(404);
    });

    it('the index’s “Recent actions” shows the user’s own last 10, newest first', async () => {
      const busy = await staffClient(t, 'busy', {
        perms: ['blog.add_tag', 'blog.change_tag', 'blog.view_tag'],
      });
      for (let i = 1; i <= 12; i++) {
        const response = await openAndSubmit(busy, `${ADMIN}blog/tag/add/`, { name: `busy-${i}` });
        expect(response.statusCode).toBe(303);
      }
      const recent = recentActionsOf((await busy.get(ADMIN)).body);
      expect(recent.map((entry) => entry.name)).toEqual(
        Array.from({ length: 10 }, (_, i) => `busy-${12 - i}`),
      );
      expect(recent.every((entry) => entry.meta === 'Tag · Added.')).toBe(true);
      const [newest] = await db().select().from(tags).where(eq(tags.name, 'busy-12'));
      expect(recent[0]?.link).toBe(`${ADMIN}blog/tag/${newest!.id}/change/`);
      // Root's actions are root's: busy's are not among them, and the other way round.
      const rootRecent = recentActionsOf((await root.get(ADMIN)).body);
      expect(rootRecent.length).toBeGreaterThan(0);
      expect(rootRecent.some((entry) => entry.name.startsWith('busy-'))).toBe(false);
      // A new user has none.
      const fresh = await staffClient(t, 'fresh', {});
      expect(pageText((await fresh.get(ADMIN)).body)).toContain('Recent actions None available');
    });
  });

  describe('dates, decimals and CHECKs (the résumé tables in a test-only registration)', () => {
    // A test-only app registers the résumé's children on their own, with no validate, so the form's
    // parsing and the database's CHECKs and unique index are what answer.
    const labApp: KeenApp = {
      name: 'lab',
      models: [{ name: 'experience' }, { name: 'skill' }],
      admin: [
        defineAdmin(experience, {
          model: 'experience',
          fields: ['profileId', 'company', 'position', 'startDate', 'endDate'],
        }),
        defineAdmin(skills, { model: 'skill', fields: ['profileId', 'name', 'level'] }),
      ],
    };
    let lab: TestApp;
    let client: TestClient;
    let profileId = '';

    beforeAll(async () => {
      lab = await createTestApp({
        database: t.database,
        apps: [...installedApps, labApp],
        env: { MEDIA_ROOT: t.mediaRoot, TIME_ZONE },
      });
      await lab.createUser({ username: 'lab-root', isStaff: true, isSuperuser: true });
      client = new TestClient(lab.app);
      expect((await client.login('lab-root', GOOD_PASSWORD)).statusCode).toBe(303);
      const [profile] = await db().insert(profiles).values({ fullName: 'Lab' }).returning();
      profileId = String(profile!.id);
    });

    afterAll(async () => {
      await lab?.close();
    });

    it('adds a position with dates and shows them back; an empty end date is NULL', async () => {
      const response = await openAndSubmit(
        client,
        `${ADMIN}lab/experience/add/`,
        { profileId, company: 'ACME', position: 'Engineer', startDate: '2020-02-29', endDate: '2022-12-31' },
        { button: '_continue' },
      );
      expect(response.statusCode).toBe(303);
      const id = idFromLocation(response.headers.location);
      const [row] = await db().select().from(experience).where(eq(experience.id, id));
      expect(row).toMatchObject({
        company: 'ACME',
        startDate: '2020-02-29',
        endDate: '2022-12-31',
        location: '',
      });
      const form = readForm((await client.get(`${ADMIN}lab/experience/${id}/change/`)).body);
      expect(fieldValue(form, 'startDate')).toBe('2020-02-29');
      expect(fieldValue(form, 'endDate')).toBe('2022-12-31');
      expect(
        (await openAndSubmit(client, `${ADMIN}lab/experience/${id}/change/`, { endDate: '' })).statusCode,
      ).toBe(303);
      expect((await db().select().from(experience).where(eq(experience.id, id)))[0]?.endDate).toBeNull();
    });

    it('refuses an impossible date; the violated two-column CHECK is a form-wide error (400), not a 500', async () => {
      const before = (await db().select({ n: count() }).from(experience))[0]?.n;
      const bad = await openAndSubmit(client, `${ADMIN}lab/experience/add/`, {
        profileId,
        company: 'ACME',
        position: 'Engineer',
        startDate: '2021-02-29',
      });
      expect(bad.statusCode).toBe(400);
      expect(fieldErrors(bad.body, 'startDate')).toEqual(['Enter a valid date.']);
      const reversed = await openAndSubmit(client, `${ADMIN}lab/experience/add/`, {
        profileId,
        company: 'Checked',
        position: 'Engineer',
        startDate: '2020-05-01',
        endDate: '2019-01-01',
      });
      expect(reversed.statusCode).toBe(400);
      expect(formErrors(reversed.body)).toEqual([
        'Constraint “resume_experience_dates_ordered” is violated.',
      ]);
      expect(fieldErrors(reversed.body, 'endDate')).toEqual([]);
      expect((await db().select({ n: count() }).from(experience))[0]?.n).toBe(before);
    });

    it.each<[string, number, string | null]>([
      ['7.5', 303, null],
      ['10', 303, null],
      ['0.0', 303, null],
      ['10.5', 400, 'Constraint “resume_skill_level_range” is violated.'],
      ['-1', 400, 'Constraint “resume_skill_level_range” is violated.'],
      ['1.25', 400, 'Ensure that there are no more than 1 decimal place.'],
      ['100', 400, 'Ensure that there are no more than 2 digits before the decimal point.'],
      ['seven', 400, 'Enter a number.'],
    ])('skill level (numeric(3,1), CHECK 0–10) %s → %i', async (level, status, error) => {
      const name = `Skill ${level}`;
      const response = await openAndSubmit(client, `${ADMIN}lab/skill/add/`, { profileId, name, level });
      expect(response.statusCode).toBe(status);
      const [row] = await db().select().from(skills).where(eq(skills.name, name));
      if (error === null) {
        expect(Number(row?.level)).toBe(Number(level));
      } else {
        expect(fieldErrors(response.body, 'level')).toEqual([error]);
        expect(row).toBeUndefined();
      }
    });

    it('a skill name taken in the profile, in any case, is refused with 400', async () => {
      const add = (name: string) =>
        openAndSubmit(client, `${ADMIN}lab/skill/add/`, { profileId, name, level: '5' });
      expect((await add('Unique')).statusCode).toBe(303);
      const again = await add('UNIQUE');
      expect(again.statusCode).toBe(400);
      expect([...formErrors(again.body), ...fieldErrors(again.body, 'name')].join(' ')).toContain(
        'resume_skill_profile_name_key',
      );
      expect(
        await db()
          .select()
          .from(skills)
          .where(inArray(skills.name, ['Unique', 'UNIQUE'])),
      ).toMatchObject([{ level: '5.0' }]);
    });
  });
});
