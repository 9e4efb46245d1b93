/**
 * When the database goes away the site answers 503 (health probe JSON, a plain error page for people)
 * without leaking internals, logs each failure once without secrets, and comes back by itself when the
 * database does.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { Secret } from '../../src/settings.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { createTestDatabase, ENGINE } from '../support/database.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/** Put in the proxied URL: PostgreSQL's trust auth never asks for it, so it only has to stay out of sight. */
const DB_PASSWORD = 'pw-do-not-log-7f3a9c';

function expectHealthError(response: LightMyRequestResponse): void {
  expect(response.statusCode).toBe(503);
  expect(response.json()).toEqual({ status: 'error', database: 'error' });
}

/** A 503 page for people that gives nothing away. */
function expectPlainUnavailablePage(response: LightMyRequestResponse, secrets: readonly string[]): void {
  expect(response.statusCode).toBe(503);
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  expect(response.body).toContain('503 Service unavailable');
  expect(response.body).toContain('The database is unavailable.');
  // No stack frame, no driver or query text, no connection details.
  expect(response.body).not.toMatch(/\bat .+:\d+:\d+/);
  expect(response.body).not.toMatch(
    /ECONNREFUSED|ECONNRESET|terminated|PGlite is closed|postgres:\/\/|keen_session|Failed query/i,
  );
  for (const secret of secrets) expect(response.body).not.toContain(secret);
}

/** The error-level lines of one request, split into the error report (with `err`) and the access line. */
function errorLines(t: TestApp, requestId: string) {
  const lines = t.logs.filter((line) => line.reqId === requestId && line.level === 50);
  return {
    reports: lines.filter((line) => line.err !== undefined),
    access: lines.filter((line) => line.msg === 'request failed'),
  };
}

/** The session key inside a signed `sessionid` cookie (`key.signature`). */
function sessionKey(client: TestClient): string {
  const signed = client.cookies.get('sessionid');
  if (!signed) throw new Error('the client has no session cookie');
  return signed.slice(0, signed.lastIndexOf('.'));
}

/** The outage as seen from outside: probes, pages with and without a session, and what got logged. */
async function expectOutageHandled(
  t: TestApp,
  withSession: TestClient,
  { pageSecrets, logSecrets }: { pageSecrets: readonly string[]; logSecrets: readonly string[] },
) {
  const key = sessionKey(withSession);

  expectHealthError(await withSession.get('/health/', { headers: { 'x-request-id': 'outage-health' } }));
  const health = errorLines(t, 'outage-health');
  expect(health.reports).toHaveLength(1);
  expect(health.reports[0]?.msg).toBe('health check: database unreachable');

  // A known session: the session lookup fails.
  const page = await withSession.get('/accounts/login/', { headers: { 'x-request-id': 'outage-page' } });
  expectPlainUnavailablePage(page, [...pageSecrets, key]);
  const report = errorLines(t, 'outage-page');
  expect(report.reports).toHaveLength(1);
  expect(report.reports[0]).toMatchObject({ code: 'KEEN_E_DB_UNAVAILABLE', status: 503 });
  expect(report.access).toHaveLength(1);

  // No session: a form page needs no database at all (the CSRF secret is in a cookie), so it renders;
  // a page that reads data is a clean 503.
  expect((await new TestClient(t.app).get('/accounts/login/')).statusCode).toBe(200);
  expectPlainUnavailablePage(await new TestClient(t.app).get('/blog/'), pageSecrets);

  // The log may name the SQL and the address (that is what an operator needs), but not the bound values
  // (session keys, CSRF secrets) nor the database password.
  const raw = t.rawLogs();
  expect(raw).toContain('KEEN_E_DB_UNAVAILABLE');
  expect(raw).not.toContain(key);
  expect(raw).not.toContain('_csrf_secret');
  for (const secret of logSecrets) expect(raw).not.toContain(secret);
}

describe(`database outage (${ENGINE})`, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it.runIf(ENGINE === 'postgres')(
    '503 while PostgreSQL is unreachable, then recovers without a restart',
    async () => {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      const target = new URL(database.url as string);
      const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
      await proxy.start();
      cleanups.push(() => proxy.stop());

      const proxiedUrl = new URL(target);
      proxiedUrl.host = `127.0.0.1:${proxy.port}`;
      proxiedUrl.password = DB_PASSWORD;
      const proxied = await openDatabase(
        {
          kind: 'postgres',
          url: new Secret(proxiedUrl.toString()),
          ssl: false,
          poolSize: 2,
          statementTimeoutMs: 5000,
          preparedStatements: true,
          direct: null,
        },
        { command: 'test' },
      );
      cleanups.push(() => proxied.close());
      // Request ids are taken from the (trusted) proxy in front: here, the test's loopback peer.
      const t = await createTestApp({ database: proxied, env: { TRUSTED_PROXIES: '127.0.0.1' } });
      cleanups.push(() => t.close());
      await t.createUser({ username: 'alice' });
      const client = new TestClient(t.app);
      expect((await client.get('/health/')).statusCode).toBe(200);
      expect((await client.login('alice', GOOD_PASSWORD)).statusCode).toBe(303);

      await proxy.stop();
      await expectOutageHandled(t, client, {
        pageSecrets: [DB_PASSWORD, target.pathname.slice(1), `:${proxy.port}`],
        logSecrets: [DB_PASSWORD],
      });

      // The database is back on the same address: the same app instance serves again, writes included.
      await proxy.start();
      const health = await client.get('/health/');
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok', database: 'ok' });
      expect((await client.login('alice', GOOD_PASSWORD)).statusCode).toBe(303);
      expect((await client.get('/')).body).toContain('<span class="SiteHeader-user">alice</span>');
    },
    30_000,
  );

  // PGlite lives inside this process: once closed it cannot come back without a restart, so recovery
  // does not apply. What must hold is the clean 503 and that the process itself stays up.
  it.runIf(ENGINE === 'pglite')(
    '503 once the embedded database is closed; the process keeps serving',
    async () => {
      const database = await createTestDatabase();
      // Request ids are taken from the (trusted) proxy in front: here, the test's loopback peer.
      const t = await createTestApp({ database, env: { TRUSTED_PROXIES: '127.0.0.1' } });
      cleanups.push(() => t.close());
      await t.createUser({ username: 'alice' });
      const client = new TestClient(t.app);
      expect((await client.login('alice', GOOD_PASSWORD)).statusCode).toBe(303);

      await database.close();
      await expectOutageHandled(t, client, { pageSecrets: [], logSecrets: [] });
      const alive = await client.get('/healthz');
      expect(alive.statusCode).toBe(200);
      expect(alive.json()).toEqual({ status: 'ok' });
    },
  );
});
