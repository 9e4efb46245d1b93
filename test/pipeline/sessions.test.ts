// Stage 3 (sessions): parity items SES-03…SES-07 and ASVS 7.2.x / 3.3.x.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSessionKey } from '../../src/contrib/sessions/cookie.js';
import { sessions } from '../../src/contrib/sessions/schema.js';
import { installedApps } from '../../src/installed-apps.js';
import { createTestApp, GOOD_PASSWORD, TEST_SECRET_KEY, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

function setCookies(headers: Record<string, unknown>): string[] {
  const value = headers['set-cookie'];
  return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
}

describe(`sessions (${ENGINE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { TRUSTED_PROXIES: '127.0.0.1' },
      apps: [
        ...installedApps,
        {
          name: 'probe',
          routes(app) {
            app.post('/counter/', { config: { csrf: false } }, async (request) => {
              const n = (request.session?.get<number>('n') ?? 0) + 1;
              request.session?.set('n', n);
              return { n };
            });
            app.get('/read/', async (request) => ({ n: request.session?.get<number>('n') ?? null }));
            app.post('/fail/', { config: { csrf: false } }, async (request) => {
              request.session?.set('n', 999);
              throw new Error('boom');
            });
          },
        },
      ],
    });
    await t.createUser({ username: 'sam' });
  });
  afterAll(() => t.close());

  it('runs no session work for a sessionless route or a 404: no store query, no cookie', async () => {
    const client = new TestClient(t.app);
    await client.post('/counter/', {});
    const queries: string[] = [];
    const stop = t.app.keen.database.observeQueries({
      startQuery: (text) => {
        queries.push(text);
        return null;
      },
    });
    try {
      for (const url of ['/healthz', '/no-such-page/']) {
        const res = await client.get(url);
        expect(setCookies(res.headers), url).toEqual([]);
      }
      // (A 404 page still varies on Cookie: its language may come from the language cookie.)
      expect(String((await client.get('/healthz')).headers.vary ?? '')).not.toMatch(/cookie/i);
      // (The 404 asks the redirects app whether the page moved: that query is the 404's own.)
      const sessionQueries = () => queries.filter((text) => /session/i.test(text));
      expect(sessionQueries()).toEqual([]);
      // The same client on a page with a session: its session is loaded (one query, with its user).
      expect((await client.get('/read/')).json()).toEqual({ n: 1 });
      expect(sessionQueries()).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it('sets no cookie for a page that does not change the session', async () => {
    const res = await t.app.inject({ url: '/', headers: { host: 'localhost' } });
    expect(setCookies(res.headers)).toEqual([]);
  });

  it('cookie: HttpOnly, SameSite=Lax, Path=/, not Secure over HTTP, named sessionid', async () => {
    const client = new TestClient(t.app);
    const res = await client.post('/counter/', {});
    const [cookie] = setCookies(res.headers);
    expect(cookie).toMatch(/^sessionid=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain('Max-Age=1209600');
    expect(cookie).not.toContain('Secure');
  });

  it('over HTTPS the cookie is __Host-sessionid with Secure', async () => {
    const client = new TestClient(t.app, { headers: { 'x-forwarded-proto': 'https' } });
    const res = await client.post('/counter/', {});
    const [cookie] = setCookies(res.headers);
    expect(cookie).toMatch(/^__Host-sessionid=/);
    expect(cookie).toContain('Secure');
    expect(cookie).not.toContain('Domain');
  });

  it('keeps data between requests, with a key of at least 128 random bits', async () => {
    const client = new TestClient(t.app);
    await client.post('/counter/', {});
    const second = await client.post('/counter/', {});
    expect(second.json()).toEqual({ n: 2 });
    const key = (client.cookies.get('sessionid') ?? '').split('.')[0] ?? '';
    expect(key.length).toBeGreaterThanOrEqual(22); // base64url: 22 chars ≥ 128 bits; ours are 32 (192 bits)
    const rows = await t.database.db.select().from(sessions).where(eq(sessions.key, key));
    expect(rows).toHaveLength(1);
  });

  it('an unknown (attacker-chosen) key is not adopted: a new key is issued', async () => {
    const chosen = signSessionKey(TEST_SECRET_KEY, 'attackerChosenKey0123456789abcdef');
    const res = await t.app.inject({
      method: 'POST',
      url: '/counter/',
      headers: { host: 'localhost', cookie: `sessionid=${chosen}` },
    });
    expect(res.json()).toEqual({ n: 1 });
    const [cookie] = setCookies(res.headers);
    expect(cookie).toBeDefined();
    expect(cookie).not.toContain('attackerChosenKey');
  });

  it('a forged or tampered cookie is ignored', async () => {
    const client = new TestClient(t.app);
    await client.post('/counter/', {});
    const real = client.cookies.get('sessionid') as string;
    const tampered = `${real.slice(0, -2)}xx`;
    const res = await t.app.inject({
      url: '/read/',
      headers: { host: 'localhost', cookie: `sessionid=${tampered}` },
    });
    expect(res.json()).toEqual({ n: null });
  });

  it('an expired session counts as none, and clearsessions deletes it', async () => {
    const client = new TestClient(t.app);
    await client.post('/counter/', {});
    const key = (client.cookies.get('sessionid') as string).split('.')[0] as string;
    await t.database.db
      .update(sessions)
      .set({ expireDate: new Date(Date.now() - 1000) })
      .where(eq(sessions.key, key));
    expect((await client.get('/read/')).json()).toEqual({ n: null });
    expect(await t.app.keen.stores.sessions.clearExpired()).toBeGreaterThanOrEqual(1);
    expect(await t.database.db.select().from(sessions).where(eq(sessions.key, key))).toHaveLength(0);
  });

  it('is not saved when the response is a server error', async () => {
    const client = new TestClient(t.app);
    await client.post('/counter/', {});
    const failed = await client.post('/fail/', {});
    expect(failed.statusCode).toBe(500);
    expect((await client.get('/read/')).json()).toEqual({ n: 1 });
  });

  it('login gives a new key and deletes the old row; logout deletes the session', async () => {
    const client = new TestClient(t.app);
    await client.post('/counter/', {});
    const before = (client.cookies.get('sessionid') as string).split('.')[0] as string;
    const login = await client.login('sam', GOOD_PASSWORD);
    expect(login.statusCode).toBe(303);
    const after = (client.cookies.get('sessionid') as string).split('.')[0] as string;
    expect(after).not.toBe(before);
    expect(await t.database.db.select().from(sessions).where(eq(sessions.key, before))).toHaveLength(0);
    // Data survives the key change (cycle_key, not flush).
    expect((await client.get('/read/')).json()).toEqual({ n: 1 });

    await client.get('/');
    const logout = await client.post('/accounts/logout/', {});
    expect(logout.statusCode).toBe(303);
    expect(await t.database.db.select().from(sessions).where(eq(sessions.key, after))).toHaveLength(0);
    expect((await client.get('/read/')).json()).toEqual({ n: null });
  });

  it('responses that read the session vary on Cookie', async () => {
    const client = new TestClient(t.app);
    await client.post('/counter/', {});
    const res = await client.get('/read/');
    expect(String(res.headers.vary)).toContain('Cookie');
  });
});
