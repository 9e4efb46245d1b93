// Stage 5 (csrf): parity items CSRF-01…CSRF-07, ported from Django's csrf_tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedApps } from '../../src/installed-apps.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

describe(`CSRF protection (${ENGINE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        TRUSTED_PROXIES: '127.0.0.1',
        ALLOWED_HOSTS: 'localhost,example.com',
        CSRF_TRUSTED_ORIGINS: 'https://trusted.example.org,https://*.partner.example.net',
      },
      apps: [
        ...installedApps,
        {
          name: 'forms',
          routes(app) {
            app.get('/form/', async (request) => ({ token: request.csrfToken() }));
            app.post('/submit/', async () => ({ ok: true }));
            app.post('/exempt/', { config: { csrf: false } }, async () => ({ ok: true }));
          },
        },
      ],
    });
  });
  afterAll(() => t.close());

  /** A client with a session and a fresh token from /form/. */
  async function primed(headers: Record<string, string> = {}) {
    const client = new TestClient(t.app, { headers });
    const token = (await client.get('/form/')).json().token as string;
    return { client, token };
  }

  it('a masked token is 64 characters, different on every render, and accepted', async () => {
    const { client, token } = await primed();
    const second = (await client.get('/form/')).json().token as string;
    expect(token).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(second).not.toBe(token);
    expect((await client.post('/submit/', { _csrf: token })).statusCode).toBe(200);
    expect((await client.post('/submit/', { _csrf: second })).statusCode).toBe(200);
  });

  it('accepts the token in the X-CSRF-Token header (fetch/JSON)', async () => {
    const { client, token } = await primed();
    const res = await client.request('POST', '/submit/', { headers: { 'x-csrf-token': token } });
    expect(res.statusCode).toBe(200);
  });

  it('rejects a missing, wrong-length, bad-character or wrong token with 403', async () => {
    const { client, token } = await primed();
    const cases: [string | undefined, string][] = [
      [undefined, 'missing'],
      ['abc', 'incorrect length'],
      [`${token.slice(0, 63)}!`, 'invalid characters'],
      [`${token.slice(0, 63)}${token.endsWith('a') ? 'b' : 'a'}`, 'incorrect'],
    ];
    for (const [value, reason] of cases) {
      const form: Record<string, string> = value === undefined ? {} : { _csrf: value };
      const res = await client.post('/submit/', form, { withCsrf: false });
      expect(res.statusCode, reason).toBe(403);
    }
    const warnings = t.logs.filter((line) => line.code === 'KEEN_E_CSRF');
    expect(warnings.length).toBeGreaterThanOrEqual(4);
  });

  it("another session's token does not work (per-session secret)", async () => {
    const a = await primed();
    const b = await primed();
    expect((await b.client.post('/submit/', { _csrf: a.token })).statusCode).toBe(403);
  });

  it('a POST without any session is refused', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/submit/',
      headers: { host: 'localhost', 'content-type': 'application/x-www-form-urlencoded' },
      payload: '_csrf=x',
    });
    expect(res.statusCode).toBe(403);
  });

  it('checks Origin: same origin and trusted origins pass; others and "null" fail', async () => {
    const { client, token } = await primed();
    const post = (origin: string, host = 'localhost') =>
      client.post('/submit/', { _csrf: token }, { headers: { origin, host } });
    expect((await post('http://localhost')).statusCode).toBe(200);
    expect((await post('https://trusted.example.org')).statusCode).toBe(200);
    expect((await post('https://api.partner.example.net')).statusCode).toBe(200);
    expect((await post('https://evil.example.com')).statusCode).toBe(403);
    expect((await post('http://trusted.example.org')).statusCode).toBe(403); // scheme matters
    expect((await post('null')).statusCode).toBe(403);
    expect((await post('https://partner.example.net.evil.com')).statusCode).toBe(403);
  });

  it('behind the trusted proxy, an https Origin matches the forwarded scheme and host', async () => {
    const { client, token } = await primed({
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'example.com',
    });
    const res = await client.post(
      '/submit/',
      { _csrf: token },
      { headers: { origin: 'https://example.com' } },
    );
    expect(res.statusCode).toBe(200);
  });

  it('over HTTPS without Origin, requires a same-origin https Referer', async () => {
    const { client, token } = await primed({ 'x-forwarded-proto': 'https' });
    const post = (referer?: string) =>
      client.post('/submit/', { _csrf: token }, { headers: referer ? { referer } : {} });
    expect((await post()).statusCode).toBe(403);
    expect((await post('not a url')).statusCode).toBe(403);
    expect((await post('http://localhost/form/')).statusCode).toBe(403);
    expect((await post('https://evil.example.com/')).statusCode).toBe(403);
    expect((await post('https://localhost/form/')).statusCode).toBe(200);
    expect((await post('https://trusted.example.org/page')).statusCode).toBe(200);
  });

  it('exempt routes and safe methods are not checked', async () => {
    const client = new TestClient(t.app);
    expect((await client.post('/exempt/', {}, { withCsrf: false })).statusCode).toBe(200);
    expect((await client.get('/form/')).statusCode).toBe(200);
  });

  it('the 403 page is generic outside DEBUG (no reason shown)', async () => {
    const { client } = await primed();
    const res = await client.post('/submit/', { _csrf: 'x'.repeat(64) }, { withCsrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('CSRF verification failed');
    expect(res.body).not.toContain('incorrect');
  });
});

describe('CSRF failure reason in DEBUG', () => {
  it('shows why the check failed', async () => {
    const t = await createTestApp({ env: { DEBUG: 'true' } });
    try {
      const client = new TestClient(t.app);
      await client.get('/accounts/login/');
      const res = await client.post(
        '/accounts/login/',
        { username: 'x', password: 'y' },
        { withCsrf: false },
      );
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('CSRF token missing.');
    } finally {
      await t.close();
    }
  });
});
