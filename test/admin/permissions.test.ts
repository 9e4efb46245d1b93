// What each model permission lets a staff user do in the admin, checked on the server for every view:
// none, view only, change (implies view), add only, delete only, through a group, and superuser; and
// what deleting is allowed to take with it (cascades, protected rows, models the user may not delete).
import { and, count, eq, inArray, ne } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { categories, postLinks, posts, postTags, tags } from '../../src/apps/blog/schema.js';
import { defineAdmin } from '../../src/contrib/admin/define.js';
import { adminLog } from '../../src/contrib/admin/schema.js';
import { groupPermissions, groups, permissions, userGroups, users } from '../../src/contrib/auth/schema.js';
import { sessions } from '../../src/contrib/sessions/schema.js';
import { installedApps } from '../../src/installed-apps.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { ADMIN, staffClient } from './support.js';
import {
  type AdminTestApp,
  createAdminTestApp,
  follow,
  formHtml,
  messagesOf,
  openAndSubmit,
  pageText,
  postEntries,
  readForm,
  recentActionsOf,
  submissionParts,
} from './view-helpers.js';

const NO_PERMISSION = 'You do not have permission to view this page.';

/** A 403 from the admin's permission check (not from CSRF or anything else). */
function expectForbidden(response: LightMyRequestResponse, what: string): void {
  expect(response.statusCode, what).toBe(403);
  expect(pageText(response.body), what).toContain(NO_PERMISSION);
}

describe(`admin permissions (${ENGINE})`, () => {
  let t: AdminTestApp;
  let newsId: number;
  let emptyCategoryId: number;
  let postId: number;
  let targetUserId: number;
  let superuser: TestClient;

  const db = () => t.database.db;
  const postRow = async (id = postId) => (await db().select().from(posts).where(eq(posts.id, id)))[0];
  const logCount = async () => (await db().select({ n: count() }).from(adminLog))[0]?.n ?? 0;

  /** A staff client with `perms`, already holding a CSRF token (from the admin index). */
  async function staff(username: string, perms: string[]): Promise<TestClient> {
    const client = await staffClient(t, username, { perms });
    expect((await client.get(ADMIN)).statusCode).toBe(200);
    return client;
  }

  /** Every request the admin answers for one post, one category, one user and the résumé. */
  function everyModelRequest(client: TestClient) {
    const post = `${ADMIN}blog/post/`;
    const requests: [string, () => Promise<LightMyRequestResponse>][] = [
      ['app index', () => client.get(`${ADMIN}blog/`)],
      ['resume app index', () => client.get(`${ADMIN}resume/`)],
      ['post list', () => client.get(post)],
      [
        'post list: delete_selected',
        () => client.post(post, { action: 'delete_selected', _selected_action: String(postId) }),
      ],
      [
        'post list: publish_now',
        () => client.post(post, { action: 'publish_now', _selected_action: String(postId) }),
      ],
      ['post add', () => client.get(`${post}add/`)],
      [
        'post add POST',
        () =>
          client.postMultipart(`${post}add/`, [
            ['title', 'Sneaky'],
            ['slug', 'sneaky'],
          ]),
      ],
      ['post change', () => client.get(`${post}${postId}/change/`)],
      [
        'post change POST',
        () =>
          client.postMultipart(`${post}${postId}/change/`, [
            ['title', 'Changed'],
            ['slug', 'changed'],
          ]),
      ],
      ['post history', () => client.get(`${post}${postId}/history/`)],
      ['autocomplete', () => client.get(`${ADMIN}autocomplete/?app=blog&model=post&field=authorId&term=t`)],
      ['post delete', () => client.get(`${post}${postId}/delete/`)],
      // Last of the post's requests: it deletes the post (for a user allowed to).
      ['post delete POST', () => client.post(`${post}${postId}/delete/`, { post: 'yes' })],
      ['category list', () => client.get(`${ADMIN}blog/category/`)],
      ['category change', () => client.get(`${ADMIN}blog/category/${newsId}/change/`)],
      [
        'category delete POST',
        () => client.post(`${ADMIN}blog/category/${emptyCategoryId}/delete/`, { post: 'yes' }),
      ],
      ['user list', () => client.get(`${ADMIN}auth/user/`)],
      ['user change', () => client.get(`${ADMIN}auth/user/${targetUserId}/change/`)],
      ['user password', () => client.get(`${ADMIN}auth/user/${targetUserId}/password/`)],
      [
        'user password POST',
        () =>
          client.post(`${ADMIN}auth/user/${targetUserId}/password/`, {
            new_password1: 'another-Secret-phrase-99',
            new_password2: 'another-Secret-phrase-99',
          }),
      ],
      ['profile add', () => client.get(`${ADMIN}resume/profile/add/`)],
    ];
    return requests;
  }

  beforeAll(async () => {
    t = await createAdminTestApp();
    const [news] = await db().insert(categories).values({ name: 'News', slug: 'news' }).returning();
    newsId = news!.id;
    targetUserId = (await t.createUser({ username: 'target', isStaff: true })).id;
    superuser = await staffClient(t, 'root', { superuser: true });
  });

  beforeEach(async () => {
    // One draft post in News, and the empty category, for each test, whatever the one before did.
    await db().delete(posts);
    await db().delete(categories).where(ne(categories.id, newsId));
    const [empty] = await db().insert(categories).values({ name: 'Empty', slug: 'empty' }).returning();
    emptyCategoryId = empty!.id;
    const [post] = await db()
      .insert(posts)
      .values({ title: 'Draft', slug: 'draft', body: 'Body', categoryId: newsId })
      .returning();
    postId = post!.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a staff user with no permissions sees nothing on the index and gets 403 on every model URL', async () => {
    const client = await staff('nobody', []);
    const index = await client.get(ADMIN);
    expect(pageText(index.body)).toContain('You don’t have permission to view or edit anything.');
    expect(index.body).not.toContain(`href="${ADMIN}blog/post/"`);
    const before = await logCount();
    for (const [what, send] of everyModelRequest(client)) expectForbidden(await send(), what);
    expect(await postRow()).toMatchObject({ title: 'Draft', status: 'draft' });
    expect((await db().select().from(posts)).length).toBe(1);
    expect((await db().select().from(categories)).length).toBe(2);
    expect(await logCount()).toBe(before);
  });

  /** The checks for a user who may view posts and nothing else, however they got the permission. */
  async function expectViewOnly(client: TestClient) {
    const index = await client.get(ADMIN);
    expect(index.body).toContain(`<a href="${ADMIN}blog/post/">Posts</a>`);
    expect(index.body).not.toContain(`href="${ADMIN}blog/category/"`);
    expect(index.body).not.toContain(`href="${ADMIN}blog/post/add/"`);
    expect(index.body).toContain(`<a class="AdminChangeLink" href="${ADMIN}blog/post/">View</a>`);

    const list = await client.get(`${ADMIN}blog/post/`);
    expect(list.statusCode).toBe(200);
    expect(pageText(list.body)).toContain('Select post to view');
    expect(list.body).not.toContain('name="_selected_action"');
    expect(list.body).not.toContain(`href="${ADMIN}blog/post/add/"`);

    const change = await client.get(`${ADMIN}blog/post/${postId}/change/`);
    expect(change.statusCode).toBe(200);
    expect(pageText(change.body)).toContain('View post');
    expect(formHtml(change.body)).toBeNull();
    expect(change.body).not.toContain('name="_version"');
    expect(change.body).not.toContain('name="_save"');
    expect(change.body).not.toMatch(/<(input|select|textarea)\b[^>]*name="title"/);
    expect(change.body).toContain('AdminForm--readonly');
    expect(pageText(change.body)).toContain('Draft');

    expect((await client.get(`${ADMIN}blog/post/${postId}/history/`)).statusCode).toBe(200);
    expect((await client.get(`${ADMIN}blog/`)).statusCode).toBe(200);

    // Even a well-formed save, with the right version, is refused.
    const version = readForm((await superuser.get(`${ADMIN}blog/post/${postId}/change/`)).body);
    expectForbidden(
      await client.postMultipart(
        `${ADMIN}blog/post/${postId}/change/`,
        submissionParts(version, { title: 'Hijacked' }),
      ),
      'change POST',
    );
    expectForbidden(await client.get(`${ADMIN}blog/post/add/`), 'add');
    expectForbidden(
      await client.postMultipart(`${ADMIN}blog/post/add/`, [
        ['title', 'New'],
        ['slug', 'new'],
      ]),
      'add POST',
    );
    expectForbidden(await client.get(`${ADMIN}blog/post/${postId}/delete/`), 'delete');
    expectForbidden(await client.post(`${ADMIN}blog/post/${postId}/delete/`, { post: 'yes' }), 'delete POST');
    for (const action of ['delete_selected', 'publish_now', 'unpublish']) {
      expectForbidden(
        await client.post(`${ADMIN}blog/post/`, { action, _selected_action: String(postId), post: 'yes' }),
        action,
      );
    }
    expectForbidden(await client.get(`${ADMIN}blog/category/`), 'category list');
    expect(await postRow()).toMatchObject({ title: 'Draft', status: 'draft', publishedAt: null });
    expect((await db().select().from(posts)).length).toBe(1);
  }

  it('with only blog.view_post: lists and shows posts read-only, and refuses every change', async () => {
    await expectViewOnly(await staff('viewer', ['blog.view_post']));
  });

  it('the same view permission through a group works exactly like a direct one', async () => {
    const client = await staff('grouped', []);
    const [group] = await db().insert(groups).values({ name: 'Readers' }).returning();
    const [viewPost] = await db()
      .select()
      .from(permissions)
      .where(and(eq(permissions.appLabel, 'blog'), eq(permissions.codename, 'view_post')));
    await db().insert(groupPermissions).values({ groupId: group!.id, permissionId: viewPost!.id });
    const [user] = await db().select().from(users).where(eq(users.username, 'grouped'));
    await db().insert(userGroups).values({ userId: user!.id, groupId: group!.id });
    await expectViewOnly(client);

    // Giving the group the change permission lets its members save.
    const [changePost] = await db()
      .select()
      .from(permissions)
      .where(and(eq(permissions.appLabel, 'blog'), eq(permissions.codename, 'change_post')));
    await db().insert(groupPermissions).values({ groupId: group!.id, permissionId: changePost!.id });
    const saved = await openAndSubmit(client, `${ADMIN}blog/post/${postId}/change/`, {
      title: 'By the group',
    });
    expect(saved.statusCode).toBe(303);
    expect((await postRow())?.title).toBe('By the group');
  });

  it('with blog.change_post (which implies view): can save and run the change actions, not add or delete', async () => {
    const client = await staff('editor', ['blog.change_post']);
    const index = await client.get(ADMIN);
    expect(index.body).toContain(`<a class="AdminChangeLink" href="${ADMIN}blog/post/">Change</a>`);
    const list = await client.get(`${ADMIN}blog/post/`);
    expect(pageText(list.body)).toContain('Select post to change');
    // The actions it may run are offered; delete is not.
    expect(list.body).toContain('<option value="publish_now">Publish now</option>');
    expect(list.body).not.toContain('value="delete_selected"');

    const change = await client.get(`${ADMIN}blog/post/${postId}/change/`);
    expect(change.body).toContain('name="_version"');
    expect(change.body).toContain('name="_save"');
    expect(change.body).not.toContain('name="_addanother"');
    expect(change.body).not.toContain(`href="${ADMIN}blog/post/${postId}/delete/"`);

    const saved = await openAndSubmit(client, `${ADMIN}blog/post/${postId}/change/`, { title: 'Edited' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${ADMIN}blog/post/`);
    expect(messagesOf((await follow(client, saved)).body)).toEqual([
      'The post “Edited” was changed successfully.',
    ]);
    expect(await postRow()).toMatchObject({ title: 'Edited', body: 'Body' });

    const published = await client.post(`${ADMIN}blog/post/`, {
      action: 'publish_now',
      _selected_action: String(postId),
    });
    expect(published.statusCode).toBe(303);
    expect(messagesOf((await follow(client, published)).body)).toEqual(['Published 1 post.']);
    expect((await postRow())?.status).toBe('published');

    expectForbidden(await client.get(`${ADMIN}blog/post/add/`), 'add');
    expectForbidden(await client.get(`${ADMIN}blog/post/${postId}/delete/`), 'delete');
    expectForbidden(
      await client.post(`${ADMIN}blog/post/`, {
        action: 'delete_selected',
        _selected_action: String(postId),
      }),
      'bulk delete',
    );
    expectForbidden(await client.get(`${ADMIN}blog/category/${newsId}/change/`), 'category');
    expect((await db().select().from(posts)).length).toBe(1);
  });

  it('with only blog.add_post: can add, and is then sent to the index rather than a list it may not see', async () => {
    const client = await staff('adder', ['blog.add_post']);
    const index = await client.get(ADMIN);
    // Listed with an Add link, but no link to a change list it may not open.
    expect(index.body).toContain(`<a class="AdminAddLink" href="${ADMIN}blog/post/add/">Add</a>`);
    expect(index.body).not.toContain(`href="${ADMIN}blog/post/"`);
    expectForbidden(await client.get(`${ADMIN}blog/post/`), 'list');

    const added = await openAndSubmit(client, `${ADMIN}blog/post/add/`, { title: 'Added', slug: 'added' });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(ADMIN);
    expect(messagesOf((await follow(client, added)).body)).toEqual([
      'The post “Added” was added successfully.',
    ]);
    expect((await db().select().from(posts).where(eq(posts.slug, 'added'))).length).toBe(1);
  });

  it('with only blog.delete_post: can delete a post, and is then sent to the index', async () => {
    const client = await staff('remover', ['blog.delete_post']);
    const confirm = await client.get(`${ADMIN}blog/post/${postId}/delete/`);
    expect(confirm.statusCode).toBe(200);
    const deleted = await client.post(`${ADMIN}blog/post/${postId}/delete/`, { post: 'yes' });
    expect(deleted.statusCode).toBe(303);
    expect(deleted.headers.location).toBe(ADMIN);
    expect(await postRow()).toBeUndefined();
    // The change list (and so its bulk actions) needs the view permission.
    expectForbidden(await client.get(`${ADMIN}blog/post/`), 'list');
  });

  it('a superuser may do anything, on every registered model', async () => {
    const index = await superuser.get(ADMIN);
    for (const model of [
      'auth/user',
      'auth/group',
      'auth/permission',
      'blog/category',
      'blog/tag',
      'blog/post',
    ]) {
      expect(index.body).toContain(`href="${ADMIN}${model}/add/"`);
    }
    expect(index.body).toContain(`href="${ADMIN}resume/profile/"`);
    // Nothing is forbidden; the bare POSTs of the list may still be incomplete forms (400), and a change
    // posted without the form's version is a stale edit (409).
    for (const [what, send] of everyModelRequest(superuser)) {
      const response = await send();
      expect([200, 302, 303, 400, 409], what).toContain(response.statusCode);
    }
  });

  it('the autocomplete needs some permission on the form’s model and view on the searched one', async () => {
    const url = `${ADMIN}autocomplete/?app=blog&model=post&field=categoryId&term=new`;
    expectForbidden(await (await staff('no-post-perms', ['blog.view_category'])).get(url), 'category only');
    expectForbidden(await (await staff('no-category-view', ['blog.change_post'])).get(url), 'post only');
    for (const [name, perm] of [
      ['ac-view', 'blog.view_post'],
      ['ac-add', 'blog.add_post'],
      ['ac-change', 'blog.change_post'],
    ] as const) {
      const response = await (await staff(name, [perm, 'blog.view_category'])).get(url);
      expect(response.statusCode, perm).toBe(200);
      expect(response.json().results).toEqual([{ id: String(newsId), text: 'News' }]);
    }
  });

  // Like Django, an inline is left out of the form (and its posted rows refused) without its model's permissions.
  it('inline rows need the inline model’s permissions (blog.add_postlink to add a link)', async () => {
    const client = await staff('link-editor', ['blog.change_post']);
    const saved = await openAndSubmit(client, `${ADMIN}blog/post/${postId}/change/`, {
      'blog_post_link-0-title': 'Docs',
      'blog_post_link-0-url': 'https://example.com/',
    });
    expect(saved.statusCode).toBe(303);
    expect(await db().select().from(postLinks).where(eq(postLinks.postId, postId))).toEqual([]);

    // The section is not on the page, and a hand-made row is refused.
    const page = await client.get(`${ADMIN}blog/post/${postId}/change/`);
    expect(page.body).not.toContain('blog_post_link-TOTAL');
    const form = readForm(page.body);
    const forged = await client.postMultipart(form.action, [
      ...submissionParts(form),
      ['blog_post_link-TOTAL', '1'],
      ['blog_post_link-0-title', 'Docs'],
      ['blog_post_link-0-url', 'https://example.com/'],
    ]);
    expect(forged.statusCode).toBe(403);
    expect(await db().select().from(postLinks).where(eq(postLinks.postId, postId))).toEqual([]);

    // With the link model's view and add permissions the section is there and a link can be added,
    // but existing links stay read-only without its change permission.
    const linker = await staff('link-adder', ['blog.change_post', 'blog.view_postlink', 'blog.add_postlink']);
    const added = await openAndSubmit(linker, `${ADMIN}blog/post/${postId}/change/`, {
      'blog_post_link-0-title': 'Docs',
      'blog_post_link-0-url': 'https://example.com/',
    });
    expect(added.statusCode).toBe(303);
    expect(await db().select().from(postLinks).where(eq(postLinks.postId, postId))).toMatchObject([
      { title: 'Docs' },
    ]);
    const again = await linker.get(`${ADMIN}blog/post/${postId}/change/`);
    expect(again.body).not.toContain('name="blog_post_link-0-title"');
    expect(again.body).not.toContain('blog_post_link-0-DELETE');
  });

  describe('deleting', () => {
    it('a user: the confirmation lists their sessions and group links, which go with them', async () => {
      const doomed = await t.createUser({ username: 'doomed', isStaff: true });
      const [group] = await db().insert(groups).values({ name: 'Doomed group' }).returning();
      await db().insert(userGroups).values({ userId: doomed.id, groupId: group!.id });
      const session = new TestClient(t.app);
      expect((await session.login('doomed', GOOD_PASSWORD)).statusCode).toBe(303);

      const url = `${ADMIN}auth/user/${doomed.id}/delete/`;
      const confirm = await superuser.get(url);
      expect(confirm.statusCode).toBe(200);
      const text = pageText(confirm.body);
      expect(text).toContain('Are you sure you want to delete the user “doomed”?');
      expect(text).toMatch(/keen_session: 1/i);
      expect(text).toContain('User ↔ groups links: 1');
      expect(readForm(confirm.body, /class="AdminDeleteConfirm"/).fields).toContainEqual(['post', 'yes']);

      const deleted = await superuser.post(url, { post: 'yes' });
      expect(deleted.statusCode).toBe(303);
      expect(deleted.headers.location).toBe(`${ADMIN}auth/user/`);
      expect(messagesOf((await follow(superuser, deleted)).body)).toEqual([
        'The user “doomed” was deleted successfully.',
      ]);
      expect(await db().select().from(users).where(eq(users.id, doomed.id))).toEqual([]);
      expect(await db().select().from(sessions).where(eq(sessions.userId, doomed.id))).toEqual([]);
      expect(await db().select().from(userGroups).where(eq(userGroups.groupId, group!.id))).toEqual([]);
      // The group itself stays.
      expect((await db().select().from(groups).where(eq(groups.id, group!.id))).length).toBe(1);
      const log = await db()
        .select()
        .from(adminLog)
        .where(and(eq(adminLog.model, 'user'), eq(adminLog.objectId, String(doomed.id))));
      expect(log).toMatchObject([{ action: 'delete', objectRepr: 'doomed', username: 'root' }]);
      // Their session is gone: they are logged out.
      expect((await session.get(ADMIN)).statusCode).toBe(302);
    });

    // Rows of tables the admin cannot name are counted, never listed: a session's key is a credential.
    it('the confirmation never shows the user’s session keys', async () => {
      const victim = await t.createUser({ username: 'victim', isStaff: true });
      expect((await new TestClient(t.app).login('victim', GOOD_PASSWORD)).statusCode).toBe(303);
      const [session] = await db().select().from(sessions).where(eq(sessions.userId, victim.id));
      const confirm = await superuser.get(`${ADMIN}auth/user/${victim.id}/delete/`);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).not.toContain(session!.key);
    });

    it('a post: its links and tag links go with it', async () => {
      const [tag] = await db().insert(tags).values({ name: 'delete-me-tag' }).returning();
      await db().insert(postTags).values({ postId, tagId: tag!.id });
      await db()
        .insert(postLinks)
        .values([
          { postId, title: 'One', url: 'https://example.com/1' },
          { postId, title: 'Two', url: 'https://example.com/2' },
        ]);
      const confirm = await superuser.get(`${ADMIN}blog/post/${postId}/delete/`);
      const text = pageText(confirm.body);
      expect(text).toContain('Posts: 1');
      expect(text).toContain('Further reading: 2');
      expect(text).toContain('Post ↔ tags links: 1');
      const deleted = await superuser.post(`${ADMIN}blog/post/${postId}/delete/`, { post: 'yes' });
      expect(deleted.statusCode).toBe(303);
      expect(await db().select().from(postLinks).where(eq(postLinks.postId, postId))).toEqual([]);
      expect(await db().select().from(postTags).where(eq(postTags.postId, postId))).toEqual([]);
      expect((await db().select().from(tags).where(eq(tags.id, tag!.id))).length).toBe(1);
    });

    it('a category that still has posts is protected: 409, the posts listed, nothing deleted', async () => {
      const url = `${ADMIN}blog/category/${newsId}/delete/`;
      const before = await logCount();
      for (const response of [await superuser.get(url), await superuser.post(url, { post: 'yes' })]) {
        expect(response.statusCode).toBe(409);
        const text = pageText(response.body);
        expect(text).toContain('Cannot delete the category “News”');
        expect(text).toContain('would require deleting the following protected related objects');
        expect(text).toContain('Posts: 1');
        expect(text).toContain('Post: Draft');
        expect(formHtml(response.body, /class="AdminDeleteConfirm"/)).toBeNull();
      }
      // The same through the bulk action, with an empty category alongside.
      const bulk = await postEntries(superuser, `${ADMIN}blog/category/`, [
        ['action', 'delete_selected'],
        ['_selected_action', String(newsId)],
        ['_selected_action', String(emptyCategoryId)],
        ['post', 'yes'],
      ]);
      expect(bulk.statusCode).toBe(409);
      expect(pageText(bulk.body)).toContain('Post: Draft');
      expect((await db().select().from(categories)).length).toBe(2);
      expect(await logCount()).toBe(before);
    });

    it('an empty category is deleted after the confirmation, with a history entry', async () => {
      const [spare] = await db().insert(categories).values({ name: 'Spare', slug: 'spare' }).returning();
      const url = `${ADMIN}blog/category/${spare!.id}/delete/`;
      const confirm = await superuser.get(url);
      expect(confirm.statusCode).toBe(200);
      expect(pageText(confirm.body)).toContain('Are you sure you want to delete the category “Spare”?');
      // The GET alone deletes nothing.
      expect((await db().select().from(categories).where(eq(categories.id, spare!.id))).length).toBe(1);
      // A POST without post=yes shows the confirmation again.
      expect((await superuser.post(url, {})).statusCode).toBe(200);
      const deleted = await superuser.post(url, { post: 'yes' });
      expect(deleted.statusCode).toBe(303);
      expect(await db().select().from(categories).where(eq(categories.id, spare!.id))).toEqual([]);
      const log = await db()
        .select()
        .from(adminLog)
        .where(and(eq(adminLog.model, 'category'), eq(adminLog.objectId, String(spare!.id))));
      expect(log).toMatchObject([{ action: 'delete', objectRepr: 'Spare', appLabel: 'blog' }]);
      const recent = await superuser.get(ADMIN);
      expect(recentActionsOf(recent.body)[0]).toEqual({
        name: 'Spare',
        link: null,
        meta: 'Category · Deleted.',
      });
    });

    describe('when the cascade reaches a registered model the user may not delete', () => {
      // A test-only app registers the post links as a model of their own, so deleting a post cascades
      // to a model with its own permissions (the shipped registrations have no such cascade).
      const labApp: KeenApp = {
        name: 'lab',
        models: [{ name: 'link', verboseName: 'link' }],
        admin: [defineAdmin(postLinks, { model: 'link', toString: (row) => row.title })],
      };
      let lab: TestApp;
      let labPermissionIds: number[];

      beforeAll(async () => {
        lab = await createTestApp({
          database: t.database,
          apps: [...installedApps, labApp],
          env: { MEDIA_ROOT: t.mediaRoot },
        });
        // `keen migrate` would add these rows for an installed app.
        const rows = await db()
          .insert(permissions)
          .values(
            ['view', 'add', 'change', 'delete'].map((action) => ({
              appLabel: 'lab',
              model: 'link',
              codename: `${action}_link`,
              name: `Can ${action} link`,
            })),
          )
          .returning();
        labPermissionIds = rows.map((row) => row.id);
      });

      afterAll(async () => {
        await lab?.close();
        await db().delete(permissions).where(inArray(permissions.id, labPermissionIds));
      });

      it('refuses with 409 and names the model, until the user may delete it too', async () => {
        await db().insert(postLinks).values({ postId, title: 'Kept link', url: 'https://example.com/' });
        const client = await staffClient(lab, 'cascader', { perms: ['blog.view_post', 'blog.delete_post'] });
        await client.get(`${ADMIN}blog/post/`);
        const url = `${ADMIN}blog/post/${postId}/delete/`;
        for (const response of [
          await client.get(url),
          await client.post(url, { post: 'yes' }),
          await client.post(`${ADMIN}blog/post/`, {
            action: 'delete_selected',
            _selected_action: String(postId),
            post: 'yes',
          }),
        ]) {
          expect(response.statusCode).toBe(409);
          const text = pageText(response.body);
          expect(text).toContain(
            'your account doesn’t have permission to delete these types of objects: links',
          );
        }
        expect(await postRow()).toBeDefined();

        const allowed = await staffClient(lab, 'cascader-plus', {
          perms: ['blog.view_post', 'blog.delete_post', 'lab.delete_link'],
        });
        await allowed.get(`${ADMIN}blog/post/`);
        const confirm = await allowed.get(url);
        expect(confirm.statusCode).toBe(200);
        expect(pageText(confirm.body)).toContain('Link: Kept link');
        expect((await allowed.post(url, { post: 'yes' })).statusCode).toBe(303);
        expect(await postRow()).toBeUndefined();
        expect(await db().select().from(postLinks).where(eq(postLinks.postId, postId))).toEqual([]);
      });
    });
  });
});
