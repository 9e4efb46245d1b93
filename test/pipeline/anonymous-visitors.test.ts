// Issue 14: an anonymous visitor costs no session row. Their CSRF secret lives in a signed cookie, which
// login replaces with a secret in the (new) session.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { posts } from '../../src/apps/blog/schema.js';
import { queryRows } from '../../src/db/client.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

describe(`anonymous visitors write nothing (${ENGINE})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    // The page cache on the database writes a keen_cache row when it stores a page (once per page and
    // lifetime, not per visitor); this test is about what a visitor costs, so it keeps the cache in memory.
    t = await createTestApp({ env: { TRUSTED_PROXIES: '127.0.0.1', CACHE_STORE: 'memory' } });
    await t.database.db.insert(posts).values({
      title: 'A post',
      slug: 'a-post',
      summary: 'Summary',
      status: 'published',
      publishedAt: new Date(Date.now() - 60_000),
    });
    await t.createUser({ username: 'boss', isStaff: true, isSuperuser: true });
  });
  afterAll(() => t.close());

  const sessionRows = async () =>
    Number(
      (await queryRows<{ n: string }>(t.database.db, sql`SELECT count(*) AS n FROM keen_session`))[0]?.n,
    );
  /**
   * The next transaction id the server will hand out. Only a transaction that writes takes one, so an
   * unchanged value means nothing was written in between. It is the whole server's counter, so it is
   * read only on the embedded database, where this app is the server's only client.
   */
  const nextTransactionId = async () =>
    ENGINE === 'pglite'
      ? String(
          (
            await queryRows<{ xmax: string }>(
              t.database.db,
              sql`SELECT pg_snapshot_xmax(pg_current_snapshot()) AS xmax`,
            )
          )[0]?.xmax,
        )
      : 'not read on a shared server';

  /** Every SQL statement this process sends while `work` runs (pg clients, or the PGlite instance). */
  async function statementsDuring(work: () => Promise<void>): Promise<string[]> {
    const sent: string[] = [];
    const record = (text: unknown) =>
      sent.push(typeof text === 'string' ? text : String((text as { text?: string })?.text ?? text));
    const target = (ENGINE === 'pglite' ? t.database.pglite : pg.Client.prototype) as unknown as Record<
      string,
      (...args: unknown[]) => unknown
    >;
    const originals = ['query', 'exec'].filter((name) => typeof target[name] === 'function');
    const saved = new Map(originals.map((name) => [name, target[name] as (...args: unknown[]) => unknown]));
    for (const [name, original] of saved) {
      target[name] = function (this: unknown, ...args: unknown[]) {
        record(args[0]);
        return original.apply(this, args);
      };
    }
    try {
      await work();
    } finally {
      for (const [name, original] of saved) target[name] = original;
    }
    return sent;
  }

  it('cookieless GETs of every kind of page write no row and no transaction', async () => {
    const pages = [
      '/',
      '/blog/',
      '/blog/a-post/',
      '/resume/',
      '/accounts/login/',
      '/accounts/login/?next=/admin/',
      '/admin/',
      '/accounts/password_change/',
      '/no-such-page/',
    ];
    const before = await nextTransactionId();
    const statements = await statementsDuring(async () => {
      for (let round = 0; round < 10; round++) {
        for (const url of pages) {
          const res = await t.app.inject({ url, headers: { host: 'localhost' } });
          expect(res.statusCode, url).toBeLessThan(500);
          const cookies = (res.cookies as { name: string }[]).map((cookie) => cookie.name);
          expect(cookies, url).not.toContain('sessionid');
        }
      }
    });
    // The content pages read (the counter proves the hook sees the app's statements)…
    expect(statements.some((text) => /^\s*select/i.test(text))).toBe(true);
    // …and nothing writes.
    expect(statements.filter((text) => /\b(insert|update|delete)\b/i.test(text))).toEqual([]);
    expect(await nextTransactionId()).toBe(before);
    expect(await sessionRows()).toBe(0);
  });

  it('a form page for an anonymous visitor costs no database round trip at all', async () => {
    for (const url of ['/accounts/login/', '/accounts/login/?next=/admin/']) {
      const statements = await statementsDuring(async () => {
        expect((await t.app.inject({ url, headers: { host: 'localhost' } })).statusCode).toBe(200);
      });
      expect(statements, url).toEqual([]);
    }
  });

  it('the login form sets a signed CSRF cookie, is private to the browser, and posts with it', async () => {
    const client = new TestClient(t.app);
    const page = await client.get('/accounts/login/');
    expect(page.statusCode).toBe(200);
    const cookie = (
      page.cookies as { name: string; value: string; httpOnly?: boolean; sameSite?: string }[]
    ).find((c) => c.name === 'csrftoken');
    expect(cookie?.value).toMatch(/^[A-Za-z0-9]{32}\.[A-Za-z0-9_-]{22}$/);
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(String(page.headers.vary)).toContain('Cookie');
    expect(String(page.headers['cache-control'])).toMatch(/private|no-store/);
    // The same browser gets the same secret back (a new mask each time), without a new cookie.
    const again = await client.get('/accounts/login/');
    expect((again.cookies as { name: string }[]).some((c) => c.name === 'csrftoken')).toBe(false);
    const failed = await client.post('/accounts/login/', { username: 'boss', password: 'wrong-password-1' });
    expect(failed.statusCode).toBe(400);
    expect(await sessionRows()).toBe(0);
  });

  it('a token only works with the cookie it was made for; a forged cookie is replaced', async () => {
    const alice = new TestClient(t.app);
    const mallory = new TestClient(t.app);
    await alice.get('/accounts/login/');
    await mallory.get('/accounts/login/');
    const stolen = alice.lastCsrfToken as string;
    const res = await mallory.post('/accounts/login/', {
      username: 'boss',
      password: GOOD_PASSWORD,
      _csrf: stolen,
    });
    expect(res.statusCode).toBe(403);

    const forger = new TestClient(t.app);
    forger.cookies.set('csrftoken', `${'a'.repeat(32)}.${'b'.repeat(22)}`);
    const page = await forger.get('/accounts/login/');
    const issued = (page.cookies as { name: string; value: string }[]).find((c) => c.name === 'csrftoken');
    expect(issued?.value.startsWith('a'.repeat(32))).toBe(false);
    // A token masking the forged secret is refused.
    forger.cookies.set('csrftoken', `${'a'.repeat(32)}.${'b'.repeat(22)}`);
    // The unmasked 32-character form of the forged secret is a well-formed token for it.
    const post = await forger.post('/accounts/login/', {
      username: 'boss',
      password: GOOD_PASSWORD,
      _csrf: 'a'.repeat(32),
    });
    expect(post.statusCode).toBe(403);
  });

  it('login moves the secret into the session and drops the cookie; the old token stops working', async () => {
    const client = new TestClient(t.app);
    await client.get('/accounts/login/');
    const anonymousToken = client.lastCsrfToken as string;
    const login = await client.post('/accounts/login/', { username: 'boss', password: GOOD_PASSWORD });
    expect(login.statusCode).toBe(303);
    const dropped = (login.cookies as { name: string; value: string }[]).find((c) => c.name === 'csrftoken');
    expect(dropped?.value).toBe('');
    expect(client.cookies.has('csrftoken')).toBe(false);
    const stored = await queryRows<{ secret: string | null }>(
      t.database.db,
      sql`SELECT session_data->>'_csrf_secret' AS secret FROM keen_session`,
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]?.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    // The pre-login token is refused for the logged-in session (rotation)…
    const stale = await client.post('/accounts/logout/', { _csrf: anonymousToken });
    expect(stale.statusCode).toBe(403);
    // …and a token from a page rendered after login works.
    await client.get('/accounts/password_change/');
    expect(client.lastCsrfToken).not.toBe(anonymousToken);
    const logout = await client.post('/accounts/logout/', {});
    expect(logout.statusCode).toBe(303);
  });

  it('over HTTPS the cookie is __Host-csrftoken and Secure', async () => {
    const client = new TestClient(t.app, { headers: { 'x-forwarded-proto': 'https' } });
    const page = await client.get('/accounts/login/');
    const cookie = (
      page.cookies as { name: string; secure?: boolean; path?: string; domain?: string }[]
    ).find((c) => c.name.endsWith('csrftoken'));
    expect(cookie?.name).toBe('__Host-csrftoken');
    expect(cookie?.secure).toBe(true);
    expect(cookie?.path).toBe('/');
    expect(cookie?.domain).toBeUndefined();
    const res = await client.post(
      '/accounts/login/',
      { username: 'boss', password: GOOD_PASSWORD },
      { headers: { origin: 'https://localhost' } },
    );
    expect(res.statusCode).toBe(303);
  });
});
