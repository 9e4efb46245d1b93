// Stage 1 (security) and stage 8 (clickjacking): parity items SEC-01…SEC-08.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedApps } from '../../src/installed-apps.js';
import { PERMISSIONS_POLICY } from '../../src/web/middleware/security.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ENGINE } from '../support/database.js';

const HTTPS_FROM_PROXY = { 'x-forwarded-proto': 'https', host: 'localhost' };

describe(`security headers (${ENGINE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { TRUSTED_PROXIES: '127.0.0.1', SECURE_SSL_REDIRECT: 'true' },
      apps: [
        ...installedApps,
        {
          name: 'framed',
          routes(app) {
            app.get('/framed/', { config: { frameOptions: false } }, async () => 'ok');
            app.get('/same-origin/', { config: { frameOptions: 'SAMEORIGIN' } }, async () => 'ok');
            app.get('/own-header/', async (_request, reply) =>
              reply.header('referrer-policy', 'no-referrer').send('ok'),
            );
          },
        },
      ],
    });
  });
  afterAll(() => t.close());

  it('sends nosniff, Referrer-Policy, COOP, CORP and a CSP without unsafe-inline or unsafe-eval', async () => {
    const res = await t.app.inject({ url: '/', headers: HTTPS_FROM_PROXY });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['permissions-policy']).toMatch(/(^|, )camera=\(\)/);
    expect(res.headers['permissions-policy']).toContain('geolocation=()');
    expect(res.headers['permissions-policy']).toContain('payment=()');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('sends HSTS (one year by default) only on secure requests', async () => {
    const secure = await t.app.inject({ url: '/', headers: HTTPS_FROM_PROXY });
    expect(secure.headers['strict-transport-security']).toBe('max-age=31536000');
    const plain = await t.app.inject({ url: '/health/' });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });

  it('ignores X-Forwarded-Proto from a peer that is not a trusted proxy', async () => {
    const res = await t.app.inject({ url: '/', headers: HTTPS_FROM_PROXY, remoteAddress: '10.9.8.7' });
    // Not trusted → the request counts as plain HTTP → redirected, no HSTS.
    expect(res.statusCode).toBe(301);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('redirects plain HTTP to HTTPS, keeping host, path and query; health probes are exempt', async () => {
    const res = await t.app.inject({ url: '/accounts/login/?next=/x', headers: { host: 'localhost' } });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('https://localhost/accounts/login/?next=/x');
    for (const path of ['/health/', '/healthz', '/readyz']) {
      const probe = await t.app.inject({ url: path, headers: { host: 'internal-name' } });
      expect(probe.statusCode, path).toBe(200);
    }
  });

  it('refuses a bad Host with 400 instead of redirecting to it', async () => {
    const res = await t.app.inject({ url: '/', headers: { host: 'evil.example' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  it('X-Frame-Options DENY by default; a route can relax it to SAMEORIGIN or opt out', async () => {
    const normal = await t.app.inject({ url: '/', headers: HTTPS_FROM_PROXY });
    expect(normal.headers['x-frame-options']).toBe('DENY');
    const framed = await t.app.inject({ url: '/framed/', headers: HTTPS_FROM_PROXY });
    expect(framed.headers['x-frame-options']).toBeUndefined();
    expect(String(framed.headers['content-security-policy'])).not.toContain('frame-ancestors');
    // Asked twice each, in turn: each option keeps its own ancestors however the requests interleave.
    for (let round = 0; round < 2; round++) {
      const same = await t.app.inject({ url: '/same-origin/', headers: HTTPS_FROM_PROXY });
      expect(same.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(String(same.headers['content-security-policy'])).toMatch(/; frame-ancestors 'self'$/);
      const denied = await t.app.inject({ url: '/', headers: HTTPS_FROM_PROXY });
      expect(String(denied.headers['content-security-policy'])).toMatch(/; frame-ancestors 'none'$/);
    }
  });

  it('Permissions-Policy turns off the powerful features on every response: pages, errors, static files', async () => {
    const features = String(PERMISSIONS_POLICY)
      .split(', ')
      .map((entry) => entry.replace(/=\(\)$/, ''));
    for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) {
      expect(features, feature).toContain(feature);
    }
    // Every entry allows nobody: `feature=()`.
    expect(String(PERMISSIONS_POLICY)).toMatch(/^([a-z-]+=\(\))(, [a-z-]+=\(\))*$/);
    for (const url of ['/', '/no-such-page/', '/static/css/site.css', '/accounts/login/']) {
      const res = await t.app.inject({ url, headers: HTTPS_FROM_PROXY });
      expect(res.headers['permissions-policy'], url).toBe(PERMISSIONS_POLICY);
    }
    // Also on the 400 for a Host we do not serve (answered before any route).
    const badHost = await t.app.inject({ url: '/', headers: { ...HTTPS_FROM_PROXY, host: 'evil.example' } });
    expect(badHost.headers['permissions-policy']).toBe(PERMISSIONS_POLICY);
  });

  it('never overwrites a header the view set itself', async () => {
    const res = await t.app.inject({ url: '/own-header/', headers: HTTPS_FROM_PROXY });
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('security settings', () => {
  it('no HSTS when SECURE_HSTS_SECONDS=0, includeSubDomains and preload when asked', async () => {
    const off = await createTestApp({ env: { TRUSTED_PROXIES: '127.0.0.1', SECURE_HSTS_SECONDS: '0' } });
    try {
      const res = await off.app.inject({ url: '/healthz', headers: HTTPS_FROM_PROXY });
      expect(res.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await off.close();
    }
    const full = await createTestApp({
      env: {
        TRUSTED_PROXIES: '127.0.0.1',
        SECURE_HSTS_INCLUDE_SUBDOMAINS: 'true',
        SECURE_HSTS_PRELOAD: 'true',
      },
      database: undefined,
    });
    try {
      const res = await full.app.inject({ url: '/healthz', headers: HTTPS_FROM_PROXY });
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains; preload');
    } finally {
      await full.close();
    }
  });
});

describe(`request ids (${ENGINE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUSTED_PROXIES: '10.0.0.0/8' } });
  });
  afterAll(() => t.close());

  /** The request id of the access line written for one request from `peer` with `X-Request-Id: id`. */
  async function requestIdFor(peer: string, id: string): Promise<string> {
    const before = t.logs.length;
    await t.app.inject({
      url: '/healthz',
      headers: { host: 'localhost', 'x-request-id': id },
      remoteAddress: peer,
    });
    const line = t.logs.slice(before).find((entry) => entry.msg === 'request');
    return String(line?.reqId);
  }
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('keeps X-Request-Id from a peer in TRUSTED_PROXIES (the rule Fastify applies to X-Forwarded-For)', async () => {
    expect(await requestIdFor('10.1.2.3', 'nginx-7f3a')).toBe('nginx-7f3a');
    // The same proxy seen through an IPv6 socket (a server listening on `::`).
    expect(await requestIdFor('::ffff:10.1.2.3', 'nginx-7f3b')).toBe('nginx-7f3b');
  });

  it('gives a fresh id to anyone else, and to a trusted proxy whose id does not look like one', async () => {
    const chosen = await requestIdFor('192.0.2.7', 'chosen-by-a-client');
    expect(chosen).toMatch(UUID);
    expect(t.rawLogs()).not.toContain('chosen-by-a-client');
    expect(await requestIdFor('127.0.0.1', 'loopback-is-not-listed')).toMatch(UUID);
    expect(await requestIdFor('10.1.2.3', 'has spaces and "quotes"')).toMatch(UUID);
    expect(await requestIdFor('10.1.2.3', 'x'.repeat(65))).toMatch(UUID);
    // Two requests never share a fresh id.
    expect(await requestIdFor('192.0.2.7', 'same')).not.toBe(await requestIdFor('192.0.2.7', 'same'));
  });
});
