// Bulk actions on the change list: select rows, delete them through the confirmation page (with what
// cascades), or run the blog's Publish now / Unpublish; and the refusals (no selection, too many ids,
// ids that are not ids, missing permissions).
import { count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { categories, postLinks, posts, postTags, tags } from '../../src/apps/blog/schema.js';
import { adminLog } from '../../src/contrib/admin/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';
import type { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { ADMIN, staffClient } from './support.js';
import {
  type AdminTestApp,
  attributesOf,
  createAdminTestApp,
  follow,
  messagesOf,
  pageText,
  postEntries,
  readForm,
} from './view-helpers.js';

const POSTS = `${ADMIN}blog/post/`;
const HOUR = 60 * 60 * 1000;

describe(`admin bulk actions (${ENGINE})`, () => {
  let t: AdminTestApp;
  let root: TestClient;
  let categoryId: number;
  /** Post ids by slug, fresh for each test. */
  let ids: Record<string, number>;
  const scheduledAt = new Date(Date.now() + 48 * HOUR);
  const publishedAt = new Date('2025-01-01T10:00:00Z');

  const db = () => t.database.db;
  const bySlug = async (slug: string) => (await db().select().from(posts).where(eq(posts.slug, slug)))[0];
  const postCount = async () => (await db().select({ n: count() }).from(posts))[0]?.n ?? 0;
  const selection = (...slugs: string[]): [string, string][] =>
    slugs.map((slug) => ['_selected_action', String(ids[slug])]);

  beforeAll(async () => {
    t = await createAdminTestApp();
    const [category] = await db().insert(categories).values({ name: 'News', slug: 'news' }).returning();
    categoryId = category!.id;
    root = await staffClient(t, 'root', { superuser: true });
  });

  beforeEach(async () => {
    await db().delete(posts);
    await db().delete(tags);
    const rows = await db()
      .insert(posts)
      .values([
        { title: 'Draft one', slug: 'draft-one', categoryId },
        { title: 'Draft two', slug: 'draft-two', categoryId },
        { title: 'Scheduled', slug: 'scheduled', status: 'draft', publishedAt: scheduledAt, categoryId },
        { title: 'Live', slug: 'live', status: 'published', publishedAt, categoryId },
      ])
      .returning();
    ids = Object.fromEntries(rows.map((row) => [row.slug, row.id]));
    const [tagA, tagB] = await db()
      .insert(tags)
      .values([{ name: 'a' }, { name: 'b' }])
      .returning();
    await db()
      .insert(postTags)
      .values([
        { postId: ids['draft-one']!, tagId: tagA!.id },
        { postId: ids['draft-one']!, tagId: tagB!.id },
        { postId: ids['draft-two']!, tagId: tagA!.id },
        { postId: ids.live!, tagId: tagA!.id },
      ]);
    await db()
      .insert(postLinks)
      .values([
        { postId: ids['draft-one']!, title: 'Link 1', url: 'https://example.com/1' },
        { postId: ids['draft-two']!, title: 'Link 2', url: 'https://example.com/2' },
        { postId: ids['draft-two']!, title: 'Link 3', url: 'https://example.com/3' },
        { postId: ids.live!, title: 'Live link', url: 'https://example.com/live' },
      ]);
    // A page with the list's form, for its CSRF token.
    expect((await root.get(POSTS)).statusCode).toBe(200);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('the change list offers a checkbox per row and the actions the user may run', async () => {
    const page = await root.get(POSTS);
    const boxes = [...page.body.matchAll(/<input[^>]*name="_selected_action"[^>]*>/g)].map((match) =>
      attributesOf(match[0]).get('value'),
    );
    expect(boxes.sort()).toEqual(Object.values(ids).map(String).sort());
    const options = [
      ...page.body.matchAll(/<select id="action" name="action"[^>]*>([\s\S]*?)<\/select>/g),
    ][0]?.[1];
    const offered = [...(options ?? '').matchAll(/<option value(?:="([^"]*)")?>([^<]*)<\/option>/g)];
    expect(offered.map((match) => [match[1] ?? '', match[2]])).toEqual([
      ['', '---------'],
      ['delete_selected', 'Delete selected posts'],
      ['publish_now', 'Publish now'],
      ['unpublish', 'Unpublish'],
    ]);
  });

  it('delete_selected asks first, listing the posts and what goes with them; post=yes deletes and logs each', async () => {
    const confirm = await postEntries(root, POSTS, [
      ['action', 'delete_selected'],
      ...selection('draft-one', 'draft-two'),
    ]);
    expect(confirm.statusCode).toBe(200);
    const text = pageText(confirm.body);
    expect(text).toContain('Are you sure you want to delete these 2 posts?');
    expect(text).toContain('Posts: 2');
    expect(text).toContain('Further reading: 3');
    expect(text).toContain('Post ↔ tags links: 3');
    expect(text).toContain('Further reading: Link 1');
    expect(text).toMatch(/Objects Post: Draft one Post: Draft two|Objects Post: Draft two Post: Draft one/);
    // Asking deleted nothing.
    expect(await postCount()).toBe(4);

    // The confirmation form repeats the selection, with post=yes.
    const form = readForm(confirm.body, /class="AdminDeleteConfirm"/);
    expect(form.action).toBe(POSTS);
    expect(form.fields.filter(([name]) => name !== '_csrf')).toEqual([
      ['action', 'delete_selected'],
      ...selection('draft-one', 'draft-two'),
      ['post', 'yes'],
    ]);
    const deleted = await postEntries(root, form.action, form.fields);
    expect(deleted.statusCode).toBe(303);
    expect(deleted.headers.location).toBe(POSTS);
    expect(messagesOf((await follow(root, deleted)).body)).toEqual(['Successfully deleted 2 posts.']);

    expect((await db().select().from(posts)).map((row) => row.slug).sort()).toEqual(['live', 'scheduled']);
    expect(
      await db()
        .select()
        .from(postLinks)
        .where(inArray(postLinks.postId, [ids['draft-one']!, ids['draft-two']!])),
    ).toEqual([]);
    expect((await db().select().from(postLinks)).map((link) => link.title)).toEqual(['Live link']);
    expect((await db().select().from(postTags)).map((link) => link.postId)).toEqual([ids.live]);
    const log = await db()
      .select()
      .from(adminLog)
      .where(inArray(adminLog.objectId, [String(ids['draft-one']), String(ids['draft-two'])]));
    expect(log.map((entry) => [entry.action, entry.objectRepr, entry.username]).sort()).toEqual([
      ['delete', 'Draft one', 'root'],
      ['delete', 'Draft two', 'root'],
    ]);
  });

  it('says one post, not posts, for a single row', async () => {
    const deleted = await postEntries(root, POSTS, [
      ['action', 'delete_selected'],
      ...selection('live'),
      ['post', 'yes'],
    ]);
    expect(deleted.statusCode).toBe(303);
    expect(messagesOf((await follow(root, deleted)).body)).toEqual(['Successfully deleted 1 post.']);
    expect(await bySlug('live')).toBeUndefined();
  });

  it('with nothing selected it says so and does nothing, keeping the list’s query', async () => {
    const url = `${POSTS}?status=draft`;
    for (const action of ['delete_selected', 'publish_now']) {
      const response = await postEntries(root, url, [
        ['action', action],
        ['post', 'yes'],
      ]);
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(url);
      expect(messagesOf((await follow(root, response)).body)).toEqual([
        'Items must be selected in order to perform actions on them. No items have been changed.',
      ]);
    }
    expect(await postCount()).toBe(4);
    expect((await bySlug('draft-one'))?.status).toBe('draft');
  });

  it('with no action, or one that does not exist, it says no action was selected', async () => {
    for (const action of ['', 'drop_database']) {
      const response = await postEntries(root, POSTS, [['action', action], ...selection('draft-one')]);
      expect(response.statusCode).toBe(303);
      expect(messagesOf((await follow(root, response)).body)).toEqual(['No action selected.']);
    }
    expect(await postCount()).toBe(4);
  });

  it('refuses more than 1000 selected ids with 400', async () => {
    const ids = (n: number) =>
      Array.from({ length: n }, (_, i): [string, string] => ['_selected_action', String(i + 1)]);
    for (const action of ['delete_selected', 'publish_now']) {
      const response = await postEntries(root, POSTS, [['action', action], ...ids(1001), ['post', 'yes']]);
      expect(response.statusCode).toBe(400);
    }
    expect(await postCount()).toBe(4);
    // What fits in DATA_UPLOAD_MAX_NUMBER_FIELDS (1000 with the action and the token) is taken.
    const confirm = await postEntries(root, POSTS, [['action', 'delete_selected'], ...ids(998)]);
    expect(confirm.statusCode).toBe(200);
  });

  describe('with a form field limit above the admin’s own', () => {
    let roomy: TestApp;
    let client: TestClient;

    beforeAll(async () => {
      roomy = await createTestApp({
        database: t.database,
        env: { DATA_UPLOAD_MAX_NUMBER_FIELDS: '5000', MEDIA_ROOT: t.mediaRoot },
      });
      client = await staffClient(roomy, 'roomy-root', { superuser: true });
      await client.get(POSTS);
    });

    afterAll(async () => {
      await roomy?.close();
    });

    it('the admin still refuses more than 1000 ids itself, and takes 1000', async () => {
      const ids = (n: number) =>
        Array.from({ length: n }, (_, i): [string, string] => ['_selected_action', String(i + 1)]);
      for (const action of ['delete_selected', 'publish_now']) {
        const response = await postEntries(client, POSTS, [
          ['action', action],
          ...ids(1001),
          ['post', 'yes'],
        ]);
        expect(response.statusCode).toBe(400);
      }
      expect(roomy.rawLogs()).toContain('at most 1000 objects at once');
      expect(await postCount()).toBe(4);
      const confirm = await postEntries(client, POSTS, [['action', 'delete_selected'], ...ids(1000)]);
      expect(confirm.statusCode).toBe(200);
      expect(pageText(confirm.body)).toContain('Posts: 4');
    });
  });

  it('refuses a selected id that is not an id with 400, never a 500', async () => {
    for (const bad of ['abc', '1.5', '', ' 1', '1e3', '9'.repeat(20), '0x10']) {
      for (const action of ['delete_selected', 'publish_now']) {
        const response = await postEntries(root, POSTS, [
          ['action', action],
          ...selection('draft-one'),
          ['_selected_action', bad],
          ['post', 'yes'],
        ]);
        expect(response.statusCode, `${action} ${JSON.stringify(bad)}`).toBe(400);
      }
    }
    expect(await postCount()).toBe(4);
    expect((await bySlug('draft-one'))?.status).toBe('draft');
  });

  it('Publish now publishes the selection; a scheduled post keeps its time, others get now', async () => {
    const before = Date.now();
    const response = await postEntries(root, POSTS, [
      ['action', 'publish_now'],
      ...selection('draft-one', 'scheduled', 'live'),
    ]);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(POSTS);
    expect(messagesOf((await follow(root, response)).body)).toEqual(['Published 3 posts.']);
    const draftOne = await bySlug('draft-one');
    expect(draftOne?.status).toBe('published');
    // "now" as the database saw it: between the request and the check.
    expect(draftOne?.publishedAt?.getTime()).toBeGreaterThanOrEqual(before - 60_000);
    expect(draftOne?.publishedAt?.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(await bySlug('scheduled')).toMatchObject({ status: 'published', publishedAt: scheduledAt });
    expect(await bySlug('live')).toMatchObject({ status: 'published', publishedAt });
    // Not selected: untouched.
    expect(await bySlug('draft-two')).toMatchObject({ status: 'draft', publishedAt: null });
  });

  it('Unpublish turns published posts back into drafts and keeps their time', async () => {
    const response = await postEntries(root, POSTS, [
      ['action', 'unpublish'],
      ...selection('live', 'draft-one'),
    ]);
    expect(response.statusCode).toBe(303);
    // Only the published one counts.
    expect(messagesOf((await follow(root, response)).body)).toEqual(['Unpublished 1 post.']);
    expect(await bySlug('live')).toMatchObject({ status: 'draft', publishedAt });
    expect(await bySlug('draft-one')).toMatchObject({ status: 'draft', publishedAt: null });
  });

  it('the blog actions need the change permission; delete_selected needs delete', async () => {
    const remover = await staffClient(t, 'remover', { perms: ['blog.view_post', 'blog.delete_post'] });
    const page = await remover.get(POSTS);
    expect(page.body).toContain('<option value="delete_selected">');
    expect(page.body).not.toContain('value="publish_now"');
    for (const action of ['publish_now', 'unpublish']) {
      const response = await postEntries(remover, POSTS, [
        ['action', action],
        ...selection('draft-one', 'live'),
      ]);
      expect(response.statusCode, action).toBe(403);
    }
    expect(await bySlug('draft-one')).toMatchObject({ status: 'draft' });
    expect(await bySlug('live')).toMatchObject({ status: 'published' });

    const editor = await staffClient(t, 'editor', { perms: ['blog.change_post'] });
    await editor.get(POSTS);
    const refused = await postEntries(editor, POSTS, [
      ['action', 'delete_selected'],
      ...selection('draft-one'),
      ['post', 'yes'],
    ]);
    expect(refused.statusCode).toBe(403);
    expect(await postCount()).toBe(4);
    const allowed = await postEntries(editor, POSTS, [['action', 'publish_now'], ...selection('draft-one')]);
    expect(allowed.statusCode).toBe(303);
    expect((await bySlug('draft-one'))?.status).toBe('published');
  });

  it('a bulk delete of categories is blocked (409) while one still has posts', async () => {
    const [empty] = await db().insert(categories).values({ name: 'Empty', slug: 'empty' }).returning();
    const url = `${ADMIN}blog/category/`;
    await root.get(url);
    const blocked = await postEntries(root, url, [
      ['action', 'delete_selected'],
      ['_selected_action', String(categoryId)],
      ['_selected_action', String(empty!.id)],
      ['post', 'yes'],
    ]);
    expect(blocked.statusCode).toBe(409);
    expect(pageText(blocked.body)).toContain('Cannot delete these 2 categories');
    expect(pageText(blocked.body)).toContain('Posts: 4');
    expect((await db().select().from(categories)).length).toBe(2);

    const done = await postEntries(root, url, [
      ['action', 'delete_selected'],
      ['_selected_action', String(empty!.id)],
      ['post', 'yes'],
    ]);
    expect(done.statusCode).toBe(303);
    expect(messagesOf((await follow(root, done)).body)).toEqual(['Successfully deleted 1 category.']);
    expect((await db().select().from(categories)).map((row) => row.id)).toEqual([categoryId]);
  });
});
