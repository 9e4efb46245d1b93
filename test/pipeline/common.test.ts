// Stage 4 (common): HOST-01, COM-02, LIM-01 and Gunicorn's header limits (GU-11/12).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedApps } from '../../src/installed-apps.js';
import { isAllowedHost, splitHost } from '../../src/web/middleware/common.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

describe('host matching', () => {
  it('follows Django: exact, leading dot for subdomains, * for any', () => {
    const allowed = ['example.com', '.coreofkeen.com', '[::1]'];
    expect(isAllowedHost('example.com', allowed)).toBe(true);
    expect(isAllowedHost('www.example.com', allowed)).toBe(false);
    expect(isAllowedHost('coreofkeen.com', allowed)).toBe(true);
    expect(isAllowedHost('www.coreofkeen.com', allowed)).toBe(true);
    expect(isAllowedHost('evilcoreofkeen.com', allowed)).toBe(false);
    expect(isAllowedHost('[::1]', allowed)).toBe(true);
    expect(isAllowedHost('anything', ['*'])).toBe(true);
  });

  it('strips the port and refuses malformed hosts', () => {
    expect(splitHost('example.com:8000')).toBe('example.com');
    expect(splitHost('[::1]:8000')).toBe('[::1]');
    expect(splitHost('example.com.')).toBe('example.com');
    expect(splitHost('evil.com/x')).toBeNull();
    expect(splitHost('user@evil.com')).toBeNull();
    expect(splitHost('')).toBeNull();
  });
});

describe(`common stage (${ENGINE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        ALLOWED_HOSTS: 'localhost,.example.com',
        DATA_UPLOAD_MAX_MEMORY_SIZE: '4096',
        DATA_UPLOAD_MAX_NUMBER_FIELDS: '10',
      },
      apps: [
        ...installedApps,
        {
          name: 'echo',
          routes(app) {
            app.post('/echo/', { config: { csrf: false } }, async (request) => ({ body: request.body }));
            app.get('/with-slash/', async () => 'slashed');
          },
        },
      ],
    });
  });
  afterAll(() => t.close());

  it('400 for a Host outside ALLOWED_HOSTS, logged as a warning; allowed hosts pass', async () => {
    const bad = await t.app.inject({ url: '/', headers: { host: 'evil.com' } });
    expect(bad.statusCode).toBe(400);
    expect(t.logs.some((line) => line.code === 'KEEN_E_DISALLOWED_HOST' && line.level === 40)).toBe(true);
    expect((await t.app.inject({ url: '/', headers: { host: 'www.example.com:8443' } })).statusCode).toBe(
      200,
    );
    expect((await t.app.inject({ url: '/', headers: { host: 'localhost:8000' } })).statusCode).toBe(200);
  });

  it('ignores X-Forwarded-Host from an untrusted peer', async () => {
    const res = await t.app.inject({
      url: '/',
      headers: { host: 'localhost', 'x-forwarded-host': 'evil.com' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('redirects /path to /path/ only when the slashed route exists, keeping the query', async () => {
    const res = await t.app.inject({ url: '/with-slash?a=1', headers: { host: 'localhost' } });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/with-slash/?a=1');
    expect((await t.app.inject({ url: '/no-such-page', headers: { host: 'localhost' } })).statusCode).toBe(
      404,
    );
    // A POST is never redirected (its body would be lost).
    const post = await t.app.inject({ method: 'POST', url: '/with-slash', headers: { host: 'localhost' } });
    expect(post.statusCode).toBe(404);
  });

  it('never builds a protocol-relative redirect from //host paths', async () => {
    const res = await t.app.inject({ url: '//evil.com/with-slash', headers: { host: 'localhost' } });
    expect([301, 404]).toContain(res.statusCode);
    expect(String(res.headers.location ?? '/').startsWith('//')).toBe(false);
  });

  it('the 404 page is HTML for browsers and JSON for API clients', async () => {
    const html = await t.app.inject({
      url: '/missing/',
      headers: { host: 'localhost', accept: 'text/html' },
    });
    expect(html.statusCode).toBe(404);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('404');
    const json = await t.app.inject({
      url: '/missing/',
      headers: { host: 'localhost', accept: 'application/json' },
    });
    expect(json.json()).toEqual({ error: { code: 'KEEN_E_NOT_FOUND', message: expect.any(String) } });
  });

  it('413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE', async () => {
    const client = new TestClient(t.app);
    const res = await client.post('/echo/', { big: 'x'.repeat(5000) }, { withCsrf: false });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('413');
  });

  it('400 for more form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS', async () => {
    const client = new TestClient(t.app);
    const form = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`f${i}`, 'v']));
    expect((await client.post('/echo/', form, { withCsrf: false })).statusCode).toBe(400);
    const ok = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, 'v']));
    expect((await client.post('/echo/', ok, { withCsrf: false })).statusCode).toBe(200);
  });

  it('431 for more than 100 request headers', async () => {
    const headers: Record<string, string> = { host: 'localhost' };
    for (let i = 0; i < 101; i++) headers[`x-extra-${i}`] = 'v';
    expect((await t.app.inject({ url: '/', headers })).statusCode).toBe(431);
  });

  it('repeated form fields arrive as a list', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/echo/',
      headers: { host: 'localhost', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1&a=2&b=3',
    });
    expect(res.json()).toEqual({ body: { a: ['1', '2'], b: '3' } });
  });
});
