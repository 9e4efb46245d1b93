import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, GOOD_PASSWORD, type TestApp } from './support/app.js';
import { TestClient } from './support/client.js';
import { ENGINE } from './support/database.js';

describe(`login and logout through the pages (${ENGINE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.createUser({ username: 'alice' });
  });
  afterAll(() => t.close());

  it('logs in, shows the user, logs out', async () => {
    const client = new TestClient(t.app);
    const login = await client.login('alice', GOOD_PASSWORD);
    expect(login.statusCode).toBe(303);
    const home = await client.get('/');
    expect(home.body).toContain('<span class="SiteHeader-user">alice</span>');
    const logout = await client.post('/accounts/logout/', {});
    expect(logout.statusCode).toBe(303);
    const after = await client.get('/');
    expect(after.body).not.toContain('<span class="SiteHeader-user">alice</span>');
    expect(after.body).toContain('You have been logged out.');
  });
});

describe(`access log (${ENGINE})`, () => {
  it('one line per request with method, path (no query), status, ms, request id, user id and ip', async () => {
    // The request id comes from the proxy in front (this test's loopback peer), so it must be trusted.
    const t = await createTestApp({ env: { TRUSTED_PROXIES: '127.0.0.1' } });
    try {
      const user = await t.createUser({ username: 'logan' });
      const client = new TestClient(t.app);
      await client.login('logan', GOOD_PASSWORD);
      await client.get('/?token=should-not-be-logged', { headers: { 'x-request-id': 'req-from-proxy-1' } });
      const line = t.logs.find((entry) => entry.reqId === 'req-from-proxy-1' && entry.msg === 'request');
      expect(line).toMatchObject({
        method: 'GET',
        path: '/',
        status: 200,
        userId: user.id,
        ip: '127.0.0.1',
        level: 30,
      });
      expect(typeof line?.ms).toBe('number');
      // From an untrusted peer the id is Keen's own: a client cannot choose the id its lines share.
      await client.get('/', { headers: { 'x-request-id': 'chosen-by-a-client' } });
      const stranger = await createTestApp({ database: t.database });
      try {
        await new TestClient(stranger.app).get('/', { headers: { 'x-request-id': 'chosen-by-a-client' } });
        expect(stranger.logs.some((entry) => entry.reqId === 'chosen-by-a-client')).toBe(false);
        expect(stranger.logs.some((entry) => /^[0-9a-f-]{36}$/.test(String(entry.reqId)))).toBe(true);
      } finally {
        await stranger.close();
      }
      expect(t.rawLogs()).not.toContain('should-not-be-logged');
      expect(t.rawLogs()).not.toContain(GOOD_PASSWORD);
      expect(t.rawLogs()).not.toContain(client.cookies.get('sessionid') as string);
      const notFound = await client.get('/nope/');
      expect(notFound.statusCode).toBe(404);
      const notFoundLine = t.logs.find((entry) => entry.path === '/nope/' && entry.msg === 'request');
      expect(notFoundLine?.level).toBe(30);
    } finally {
      await t.close();
    }
  });
});

describe(`access log levels (${ENGINE})`, () => {
  it('with LOG_LEVEL=warn, ordinary requests write nothing and refused ones still do', async () => {
    const t = await createTestApp({ env: { LOG_LEVEL: 'warn' } });
    try {
      expect((await t.app.inject({ url: '/', headers: { host: 'localhost' } })).statusCode).toBe(200);
      expect(t.logs.filter((line) => line.msg === 'request')).toEqual([]);
      expect((await t.app.inject({ url: '/', headers: { host: 'evil.example' } })).statusCode).toBe(400);
      expect(t.logs.filter((line) => line.msg === 'request refused').map((line) => line.status)).toEqual([
        400,
      ]);
    } finally {
      await t.close();
    }
  });
});
