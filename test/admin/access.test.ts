// Who gets into the admin at all, and what every admin response carries: the login redirect for
// anonymous visitors, 403 for non-staff, no caching, the strict CSP, ADMIN_PATH, and 404s for bad URLs.
import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categories, posts } from '../../src/apps/blog/schema.js';
import { requireStaff } from '../../src/contrib/admin/access.js';
import { authenticatedUser } from '../../src/contrib/auth/current-user.js';
import { users } from '../../src/contrib/auth/schema.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { multipart } from '../support/multipart.js';
import { ADMIN, staffClient } from './support.js';
import { type AdminTestApp, createAdminTestApp, pageText } from './view-helpers.js';

describe(`admin access (${ENGINE})`, () => {
  let t: AdminTestApp;
  let postId: number;
  let categoryId: number;
  let targetUserId: number;
  let superuser: TestClient;

  /** Every kind of admin URL, for one post (and one user for the password page). */
  const adminUrls = (base = ADMIN) => [
    base,
    `${base}blog/`,
    `${base}blog/post/`,
    `${base}blog/post/add/`,
    `${base}blog/post/${postId}/change/`,
    `${base}blog/post/${postId}/delete/`,
    `${base}blog/post/${postId}/history/`,
    `${base}autocomplete/?app=blog&model=post&field=authorId&term=a`,
    `${base}password_change/`,
    `${base}auth/user/${targetUserId}/password/`,
  ];
  /** The URLs that take a POST, with a body each would accept. */
  const postUrls = () =>
    [
      [`${ADMIN}blog/post/`, { action: 'delete_selected', _selected_action: String(postId) }],
      [`${ADMIN}blog/post/add/`, { title: 'x', slug: 'x' }],
      [`${ADMIN}blog/post/${postId}/change/`, { title: 'x', slug: 'x' }],
      [`${ADMIN}blog/post/${postId}/delete/`, { post: 'yes' }],
      [`${ADMIN}password_change/`, { old_password: GOOD_PASSWORD }],
      [`${ADMIN}auth/user/${targetUserId}/password/`, { new_password1: 'x', new_password2: 'x' }],
    ] as const;

  const anonymous = () => new TestClient(t.app);

  beforeAll(async () => {
    t = await createAdminTestApp();
    const { db } = t.database;
    const [category] = await db.insert(categories).values({ name: 'News', slug: 'news' }).returning();
    categoryId = category!.id;
    const [post] = await db
      .insert(posts)
      .values({ title: 'Hello', slug: 'hello', categoryId: category!.id })
      .returning();
    postId = post!.id;
    targetUserId = (await t.createUser({ username: 'target' })).id;
    superuser = await staffClient(t, 'root', { superuser: true });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('sends anonymous visitors of every admin page to the login page, with the page as `next`', async () => {
    for (const url of adminUrls()) {
      const response = await anonymous().get(url);
      expect(response.statusCode, url).toBe(302);
      expect(response.headers.location, url).toBe(`/accounts/login/?next=${encodeURIComponent(url)}`);
    }
  });

  it('sends anonymous POSTs (with a valid CSRF token) to the login page too, changing nothing', async () => {
    for (const [url, form] of postUrls()) {
      const client = anonymous();
      await client.get('/accounts/login/');
      const response = await client.post(url, { ...form });
      expect(response.statusCode, url).toBe(302);
      expect(response.headers.location, url).toBe(`/accounts/login/?next=${encodeURIComponent(url)}`);
    }
    const [post] = await t.database.db.select().from(posts).where(eq(posts.id, postId));
    expect(post?.title).toBe('Hello');
  });

  it('after logging in from the redirect, the user lands on the page they asked for', async () => {
    await t.createUser({ username: 'returning', isStaff: true, isSuperuser: true });
    const client = anonymous();
    const url = `${ADMIN}blog/post/?q=hello`;
    const redirect = await client.get(url);
    const login = await client.get(redirect.headers.location as string);
    expect(login.statusCode).toBe(200);
    const loggedIn = await client.post('/accounts/login/', {
      username: 'returning',
      password: GOOD_PASSWORD,
      next: url,
    });
    expect(loggedIn.statusCode).toBe(303);
    expect(loggedIn.headers.location).toBe(url);
    expect((await client.get(url)).statusCode).toBe(200);
  });

  it('refuses a logged-in user who is not staff on every admin page, GET and POST (403)', async () => {
    const member = await staffClient(t, 'member', { staff: false, perms: ['blog.change_post'] });
    // A page outside the admin gives the session's CSRF token, so the POSTs below pass that check.
    expect((await member.get('/accounts/password_change/')).statusCode).toBe(200);
    for (const url of adminUrls()) {
      const response = await member.get(url);
      expect(response.statusCode, url).toBe(403);
      expect(pageText(response.body), url).toContain('You do not have permission to view this page.');
    }
    for (const [url, form] of postUrls()) {
      const response = await member.post(url, { ...form });
      expect(response.statusCode, url).toBe(403);
      // The permission check, not the CSRF check, refused it.
      expect(pageText(response.body), url).not.toContain('CSRF');
    }
    const [post] = await t.database.db.select().from(posts).where(eq(posts.id, postId));
    expect(post?.title).toBe('Hello');
  });

  it('refuses admin POSTs without the CSRF token, even from a superuser', async () => {
    const form = await multipart([
      ['title', 'Forged'],
      ['slug', 'forged'],
      ['_save', '1'],
    ]);
    const attempts = [
      { url: `${ADMIN}blog/post/${postId}/change/`, body: form.body, type: form.contentType },
      { url: `${ADMIN}blog/post/add/`, body: form.body, type: form.contentType },
      {
        url: `${ADMIN}blog/post/`,
        body: `action=delete_selected&_selected_action=${postId}&post=yes`,
        type: 'application/x-www-form-urlencoded',
      },
      {
        url: `${ADMIN}blog/post/${postId}/delete/`,
        body: 'post=yes',
        type: 'application/x-www-form-urlencoded',
      },
    ];
    for (const attempt of attempts) {
      const response = await t.app.inject({
        method: 'POST',
        url: attempt.url,
        headers: { host: 'localhost', cookie: superuser.cookieHeader(), 'content-type': attempt.type },
        payload: attempt.body,
      });
      expect(response.statusCode, attempt.url).toBe(403);
      expect(pageText(response.body), attempt.url).toContain('CSRF verification failed');
    }
    const [post] = await t.database.db.select().from(posts).where(eq(posts.id, postId));
    expect(post?.title).toBe('Hello');
    expect(await t.database.db.select().from(posts).where(eq(posts.slug, 'forged'))).toEqual([]);
  });

  it('keeps inactive staff out: they cannot log in, and deactivating a logged-in one ends their access', async () => {
    await t.createUser({ username: 'dormant', isStaff: true, isSuperuser: true });
    await t.database.db.update(users).set({ isActive: false }).where(eq(users.username, 'dormant'));
    const refused = anonymous();
    const attempt = await refused.login('dormant', GOOD_PASSWORD);
    expect(attempt.statusCode).not.toBe(303);
    expect((await refused.get(ADMIN)).statusCode).toBe(302);

    const active = await staffClient(t, 'soon-dormant', { superuser: true });
    expect((await active.get(`${ADMIN}blog/post/`)).statusCode).toBe(200);
    await t.database.db.update(users).set({ isActive: false }).where(eq(users.username, 'soon-dormant'));
    for (const url of [ADMIN, `${ADMIN}blog/post/`, `${ADMIN}blog/post/${postId}/change/`]) {
      const response = await active.get(url);
      expect(response.statusCode, url).toBe(302);
      expect(response.headers.location).toMatch(/^\/accounts\/login\/\?next=/);
    }
  });

  it('a staff user who is inactive but still holds a session is refused by the admin itself', async () => {
    // The auth stage already flushes such sessions; the admin's own check must hold without it too.
    const row = await t.createUser({ username: 'ghost', isStaff: true, isSuperuser: true });
    const request = { user: authenticatedUser(t.database.db, { ...row, isActive: false }), url: ADMIN };
    expect(() => requireStaff(request as never, {} as never)).toThrow(
      expect.objectContaining({ statusCode: 403, detail: 'the admin is for active staff only' }),
    );
  });

  /** Every admin page a superuser can reach, by name. */
  async function everyPage(client: TestClient): Promise<[string, LightMyRequestResponse][]> {
    const pages: [string, string][] = [
      ['index', ADMIN],
      ['app index', `${ADMIN}blog/`],
      ['post list', `${ADMIN}blog/post/`],
      ['post list, searched and filtered', `${ADMIN}blog/post/?q=hello&status=draft`],
      ['post add', `${ADMIN}blog/post/add/`],
      ['post change', `${ADMIN}blog/post/${postId}/change/`],
      ['post delete', `${ADMIN}blog/post/${postId}/delete/`],
      ['category delete (blocked)', `${ADMIN}blog/category/${categoryId}/delete/`],
      ['post history', `${ADMIN}blog/post/${postId}/history/`],
      ['user change', `${ADMIN}auth/user/${targetUserId}/change/`],
      ['user add', `${ADMIN}auth/user/add/`],
      ['set password', `${ADMIN}auth/user/${targetUserId}/password/`],
      ['own password', `${ADMIN}password_change/`],
      ['group add', `${ADMIN}auth/group/add/`],
      ['profile add', `${ADMIN}resume/profile/add/`],
      ['not found (unknown model)', `${ADMIN}blog/nothing/`],
      ['not found (no route)', `${ADMIN}blog/post/${postId}/nothing/`],
      ['autocomplete', `${ADMIN}autocomplete/?app=blog&model=post&field=authorId&term=ro`],
    ];
    const responses: [string, LightMyRequestResponse][] = [];
    for (const [name, url] of pages) responses.push([name, await client.get(url)]);
    for (const model of ['user', 'group', 'permission']) {
      responses.push([`${model} list`, await client.get(`${ADMIN}auth/${model}/`)]);
    }
    for (const [app, model] of [
      ['blog', 'category'],
      ['blog', 'tag'],
      ['resume', 'profile'],
    ] as const) {
      responses.push([`${model} list`, await client.get(`${ADMIN}${app}/${model}/`)]);
    }
    responses.push([
      'bulk delete confirmation',
      await client.post(`${ADMIN}blog/post/`, {
        action: 'delete_selected',
        _selected_action: String(postId),
      }),
    ]);
    responses.push([
      'form with errors',
      await client.postMultipart(`${ADMIN}blog/post/add/`, [
        ['title', ''],
        ['_save', '1'],
      ]),
    ]);
    return responses;
  }

  it('marks every admin response uncacheable, error pages and the autocomplete JSON included', async () => {
    const forbidden = await staffClient(t, 'no-perms', {});
    const responses = [
      ...(await everyPage(superuser)),
      ['403 page', await forbidden.get(`${ADMIN}blog/post/`)] as const,
    ];
    const statuses = new Set(responses.map(([, response]) => response.statusCode));
    // The list covers success, form errors, blocked deletes, 403 and 404.
    expect([...statuses].sort()).toEqual([200, 400, 403, 404, 409]);
    for (const [name, response] of responses) {
      expect(response.headers['cache-control'], name).toBe('no-store');
    }
  });

  it('serves every page under the strict CSP, with no inline script or style to need an exception', async () => {
    for (const [name, response] of await everyPage(superuser)) {
      const csp = String(response.headers['content-security-policy']);
      expect(csp, name).toContain("script-src 'self'");
      expect(csp, name).toContain("style-src 'self'");
      expect(csp, name).not.toContain('unsafe-inline');
      if (!String(response.headers['content-type']).startsWith('text/html')) continue;
      const html = response.body;
      expect(html, name).toMatch(/^<!doctype html>/i);
      // Scripts only by src, with nothing between the tags; no <style>, style= or on…= handlers.
      for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
        expect(script[1], name).toMatch(/\ssrc="/);
        expect(script[2], name).toBe('');
      }
      expect(html, name).not.toMatch(/<style\b/i);
      expect(html, name).not.toMatch(/\sstyle=/i);
      expect(html, name).not.toMatch(/\son[a-z]+=/i);
      expect(html, name).not.toMatch(/href="javascript:/i);
    }
  });

  it('answers 404 for unknown apps and models, ids that are not numbers, and ids that do not exist', async () => {
    const notFound = [
      `${ADMIN}nothing/`,
      `${ADMIN}blog/nothing/`,
      `${ADMIN}nothing/post/`,
      `${ADMIN}blog/nothing/add/`,
      `${ADMIN}blog/nothing/1/change/`,
      `${ADMIN}blog/post/abc/change/`,
      `${ADMIN}blog/post/1.5/change/`,
      `${ADMIN}blog/post/abc/delete/`,
      `${ADMIN}blog/post/abc/history/`,
      `${ADMIN}blog/post/99999/change/`,
      `${ADMIN}blog/post/99999/delete/`,
      `${ADMIN}blog/post/99999/history/`,
      `${ADMIN}blog/post/${'9'.repeat(20)}/change/`,
      // A number, but past the integer column's range: not an id (and never a database error).
      `${ADMIN}blog/post/${'9'.repeat(11)}/change/`,
      `${ADMIN}auth/user/99999/password/`,
      `${ADMIN}auth/user/abc/password/`,
      // Only users have a password page.
      `${ADMIN}blog/post/${postId}/password/`,
      `${ADMIN}autocomplete/?app=blog&model=nothing&field=authorId`,
      `${ADMIN}autocomplete/?app=blog&model=post&field=title`,
      `${ADMIN}blog/post/${postId}/history/?p=0`,
    ];
    for (const url of notFound) {
      const response = await superuser.get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['cache-control'], url).toBe('no-store');
    }
    const postsToUnknown = [
      `${ADMIN}blog/post/abc/change/`,
      `${ADMIN}blog/post/99999/change/`,
      `${ADMIN}blog/post/99999/delete/`,
      `${ADMIN}blog/nothing/`,
    ];
    for (const url of postsToUnknown) {
      const response = await superuser.postMultipart(url, [
        ['title', 'x'],
        ['post', 'yes'],
      ]);
      expect(response.statusCode, url).toBe(404);
    }
  });

  it('the autocomplete takes a number past the id range as a search term, not a database error', async () => {
    const response = await superuser.get(
      `${ADMIN}autocomplete/?app=blog&model=post&field=categoryId&term=${'9'.repeat(11)}`,
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ results: [], pagination: { more: false } });
  });

  it('redirects <id>/ to <id>/change/, as Django does', async () => {
    const response = await superuser.get(`${ADMIN}blog/post/${postId}/`);
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(`${ADMIN}blog/post/${postId}/change/`);
  });

  describe('with ADMIN_PATH=/backoffice/', () => {
    let moved: TestApp;
    let client: TestClient;

    beforeAll(async () => {
      // The same database, served by a second app built with the other path.
      moved = await createTestApp({
        database: t.database,
        env: { ADMIN_PATH: '/backoffice/', MEDIA_ROOT: t.mediaRoot },
      });
      await moved.createUser({ username: 'moved-root', isStaff: true, isSuperuser: true });
      client = new TestClient(moved.app);
      expect((await client.login('moved-root', GOOD_PASSWORD)).statusCode).toBe(303);
    });

    afterAll(async () => {
      await moved?.close();
    });

    it('serves every admin page under the new path and links within it', async () => {
      for (const url of adminUrls('/backoffice/')) {
        const response = await client.get(url);
        expect(response.statusCode, url).toBe(200);
        if (String(response.headers['content-type']).startsWith('text/html')) {
          const links = [...response.body.matchAll(/(?:href|action)="(\/[^"]*)"/g)].map((match) => match[1]);
          expect(
            links.filter((link) => link?.startsWith('/admin/')),
            url,
          ).toEqual([]);
          expect(
            links.some((link) => link?.startsWith('/backoffice/')),
            url,
          ).toBe(true);
        }
      }
      const index = await client.get('/backoffice/');
      expect(index.body).toContain('href="/backoffice/blog/post/"');
      const autocomplete = await client.get(`/backoffice/blog/post/${postId}/change/`);
      expect(autocomplete.body).toContain('data-autocomplete-url="/backoffice/autocomplete/?app=blog');
    });

    it('answers 404 at /admin/, even for a superuser', async () => {
      for (const url of adminUrls('/admin/')) {
        expect((await client.get(url)).statusCode, url).toBe(404);
      }
    });

    it('sends anonymous visitors to the login page with the new path as `next`', async () => {
      const response = await new TestClient(moved.app).get('/backoffice/blog/post/');
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe(
        `/accounts/login/?next=${encodeURIComponent('/backoffice/blog/post/')}`,
      );
    });
  });
});
