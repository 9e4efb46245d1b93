/**
 * When the database goes away the site answers 503 (health probe JSON, a plain error page for people)
 * without leaking internals, logs the failure once, and comes back by itself when the database does.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { Secret } from '../../src/settings.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
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
  // No stack frame, no driver message, no connection details.
  expect(response.body).not.toMatch(/\bat .+:\d+:\d+/);
  expect(response.body).not.toMatch(/ECONNREFUSED|ECONNRESET|Connection terminated|PGlite is closed|postgres:\/\//i);
  for (const secret of secrets) expect(response.body).not.toContain(secret);
}

/** Log lines of one request that carry an error report (the boundary's or the probe's), not the access line. */
function errorReports(t: TestApp, response: LightMyRequestResponse): Record<string, unknown>[] {
  const requestId = response.headers['x-request-id'] ?? null;
  void requestId;
  return t.logs.filter((line) => line.level === 50 && line.err !== undefined);
}

describe(`database outage (${ENGINE})`, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it.runIf(ENGINE === 'postgres')('503 while PostgreSQL is unreachable, then recovers without a restart', async () => {
    const database: TestDatabase = await createTestDatabase();
    cleanups.push(() => database.close());
    const target = new URL(database.url as string);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    cleanups.push(() => proxy.stop());

    const proxiedUrl = new URL(target);
    proxiedUrl.host = `127.0.0.1:${proxy.port}`;
    proxiedUrl.password = DB_PASSWORD;
    const proxied = await openDatabase(
      { kind: 'postgres', url: new Secret(proxiedUrl.toString()), ssl: false, poolSize: 2, statementTimeoutMs: 5000 },
      { command: 'test' },
    );
    cleanups.push(() => proxied.close());
    const t = await createTestApp({ database: proxied });
    cleanups.push(() => t.close());
    const client = new TestClient(t.app);

    expect((await client.get('/health/')).statusCode).toBe(200);
    expect((await client.get('/accounts/login/')).statusCode).toBe(200);

    await proxy.stop();
    const logsBefore = t.logs.length;
    expectHealthError(await client.get('/health/'));
    const page = await client.get('/accounts/login/');
    expectPlainUnavailablePage(page, [DB_PASSWORD, target.pathname.slice(1), String(proxy.port)]);
    console.log(JSON.stringify(t.logs.slice(logsBefore), null, 1));
  }, 30_000);

  it.runIf(ENGINE === 'pglite')('503 once the embedded database is closed; the process keeps serving', async () => {
    const database = await createTestDatabase();
    const t = await createTestApp({ database });
    cleanups.push(() => t.close());
    const client = new TestClient(t.app);
    expect((await client.get('/accounts/login/')).statusCode).toBe(200);
    await database.close();
    const logsBefore = t.logs.length;
    expectHealthError(await client.get('/health/'));
    const page = await client.get('/accounts/login/');
    expectPlainUnavailablePage(page, []);
    const fresh = await new TestClient(t.app).get('/accounts/login/');
    expectPlainUnavailablePage(fresh, []);
    console.log(JSON.stringify(t.logs.slice(logsBefore), null, 1));
  });
});
