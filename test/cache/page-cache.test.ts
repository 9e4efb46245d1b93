// The page cache on the blog: anonymous visitors get stored pages with their own CSRF token and form
// stamp, the stored page holds neither, nothing personal is ever stored or served, security headers
// are the same on a hit, admin changes show at once, and a broken cache backend only costs speed.
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { posts } from '../../src/apps/blog/schema.js';
import { queryRows } from '../../src/db/client.js';
import { ADMIN, staffClient } from '../admin/support.js';
import { openAndSubmit } from '../admin/view-helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

const SECURITY_HEADERS = [
  'content-security-policy',
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'permissions-policy',
  'cross-origin-opener-policy',
];

const tokenOf = (response: LightMyRequestResponse) => /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
const stampOf = (response: LightMyRequestResponse) => /name="stamp" value="([^"]+)"/.exec(response.body)?.[1];
const visitor = (t: TestApp, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: '/blog/hello/', headers: { host: 'localhost', ...headers } });

describe(`page cache (${ENGINE})`, () => {
  let t: TestApp;
  let postId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const [post] = await t.database.db
      .insert(posts)
      .values({
        title: 'Hello',
        slug: 'hello',
        status: 'published',
        publishedAt: new Date(Date.now() - 60_000),
      })
      .returning();
    postId = post?.id ?? 0;
  });
  afterAll(() => t.close());

  it('serves a post page again to anonymous visitors, each with a token and stamp of their own', async () => {
    const first = await visitor(t);
    const second = await visitor(t);
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-keen-cache']).toBe('miss');
    expect(second.headers['x-keen-cache']).toBe('hit');
    expect(tokenOf(second)).toBeTruthy();
    expect(tokenOf(second)).not.toBe(tokenOf(first));
    expect(stampOf(second)).toMatch(/^\d+\./);
    // Each new visitor gets a cookie for the secret behind their token, as without the cache.
    for (const response of [first, second]) {
      expect(String(response.headers['set-cookie'])).toMatch(/^csrftoken=/);
      expect(response.headers['cache-control']).toBe('private');
      expect(response.headers.vary).toMatch(/Cookie/);
    }
    for (const name of SECURITY_HEADERS) {
      expect(first.headers[name]).toBeTruthy();
      expect(second.headers[name]).toBe(first.headers[name]);
    }
    const strip = (body: string) => body.replace(/value="[^"]+"/g, '');
    expect(strip(second.body)).toBe(strip(first.body));

    // What is stored holds placeholders, never a token, a stamp or a cookie.
    const rows = await queryRows<{ value: string }>(
      t.database.db,
      sql`SELECT value FROM keen_cache WHERE cache_key LIKE 'page:%'`,
    );
    const stored = rows.map((row) => row.value).join('\n');
    expect(stored).toContain('Hello');
    for (const response of [first, second]) {
      expect(stored).not.toContain(tokenOf(response));
      expect(stored).not.toContain(stampOf(response));
    }
    expect(stored).not.toMatch(/set-cookie|csrftoken=/i);

    const head = await t.app.inject({ method: 'HEAD', url: '/blog/hello/', headers: { host: 'localhost' } });
    expect(head.headers['x-keen-cache']).toBe('hit');
    expect(head.body).toBe('');
  });

  it('keeps the CSRF guarantees: a token from a cached page works with its own cookie only', async () => {
    await visitor(t);
    const anna = new TestClient(t.app, { remoteAddress: '198.51.100.7' });
    const page = await anna.get('/blog/hello/');
    expect(page.headers['x-keen-cache']).toBe('hit');
    // A returning visitor (the CSRF cookie only) is served from the cache, the token from their secret.
    const again = await anna.get('/blog/hello/');
    expect(again.headers['x-keen-cache']).toBe('hit');
    expect(again.headers['set-cookie']).toBeUndefined();

    const mallory = new TestClient(t.app, { remoteAddress: '198.51.100.8' });
    await mallory.get('/blog/hello/');
    const comment = { name: 'A', email: 'a@example.com', url: '', body: 'Hi', website: '' };
    const stolen = await mallory.post('/blog/hello/comments/', {
      ...comment,
      stamp: stampOf(again) ?? '',
      _csrf: anna.lastCsrfToken ?? '',
    });
    expect(stolen.statusCode).toBe(403);
    // Anna's own form posts (the stamp is too fresh, which is the form's own check, not CSRF's).
    const own = await anna.post('/blog/hello/comments/', { ...comment, stamp: stampOf(again) ?? '' });
    expect(own.statusCode).toBe(400);
    expect(own.body).toContain('name="_csrf"');
  });

  it('never serves or stores a page for a visitor with a session or another cookie', async () => {
    await visitor(t);
    const staff = await staffClient(t, 'editor', { superuser: true });
    const asStaff = await staff.get('/blog/hello/');
    expect(asStaff.statusCode).toBe(200);
    expect(asStaff.headers['x-keen-cache']).toBeUndefined();
    expect(asStaff.body).toContain('editor');
    const other = await visitor(t, { cookie: 'tracking=1' });
    expect(other.headers['x-keen-cache']).toBeUndefined();
    const auth = await visitor(t, { authorization: 'Basic eDp5' });
    expect(auth.headers['x-keen-cache']).toBeUndefined();
  });

  it('keys on the language and skips query strings the page does not read', async () => {
    const russian = await visitor(t, { 'accept-language': 'ru' });
    const english = await visitor(t, { 'accept-language': 'en' });
    expect(russian.headers['content-language']).toBe('ru');
    expect(english.headers['content-language']).toBe('en');
    expect((await visitor(t, { 'accept-language': 'ru' })).headers['content-language']).toBe('ru');

    const list = () => t.app.inject({ method: 'GET', url: '/blog/?page=1', headers: { host: 'localhost' } });
    await list();
    expect((await list()).headers['x-keen-cache']).toBe('hit');
    for (const url of ['/blog/?q=hello', '/blog/?utm_source=x', '/blog/?page=1&page=2']) {
      const response = await t.app.inject({ method: 'GET', url, headers: { host: 'localhost' } });
      expect(response.headers['x-keen-cache']).toBeUndefined();
    }
    const feed = () => t.app.inject({ method: 'GET', url: '/blog/feed/', headers: { host: 'localhost' } });
    expect((await feed()).headers['x-keen-cache']).toBe('miss');
    const cachedFeed = await feed();
    expect(cachedFeed.headers['x-keen-cache']).toBe('hit');
    expect(cachedFeed.headers['content-type']).toContain('application/atom+xml');
    expect(cachedFeed.headers['set-cookie']).toBeUndefined();
  });

  it('shows an admin edit made through the admin form at once', async () => {
    await visitor(t);
    expect((await visitor(t)).headers['x-keen-cache']).toBe('hit');
    const staff = await staffClient(t, 'writer', { superuser: true });
    const saved = await openAndSubmit(staff, `${ADMIN}blog/post/${postId}/change/`, {
      title: 'Hello, edited',
    });
    expect(saved.statusCode).toBe(303);
    const after = await visitor(t);
    expect(after.headers['x-keen-cache']).toBe('miss');
    expect(after.body).toContain('Hello, edited');
    expect((await visitor(t)).body).toContain('Hello, edited');
  });
});

describe(`page cache with its backend down (${ENGINE})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing listens on port 1: every cache call fails as RedisUnavailableError.
    t = await createTestApp({
      env: {
        REDIS_URL: 'redis://127.0.0.1:1/0',
        CACHE_STORE: 'redis',
        SESSION_STORE: 'database',
        THROTTLE_STORE: 'database',
      },
    });
    await t.database.db.insert(posts).values({
      title: 'Hello',
      slug: 'hello',
      status: 'published',
      publishedAt: new Date(Date.now() - 60_000),
    });
  });
  afterAll(() => t.close());

  it('renders pages normally, uncached', async () => {
    for (let round = 0; round < 2; round++) {
      const response = await visitor(t);
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-keen-cache']).toBeUndefined();
      expect(tokenOf(response)).toMatch(/^[A-Za-z0-9]+$/);
      expect(response.body).not.toMatch(/kh[0-9a-f]{32}/);
    }
  });
});
