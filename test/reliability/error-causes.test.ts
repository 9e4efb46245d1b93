/**
 * Errors classified by cause (issue 14): only an error that came from the database is an outage (503),
 * whichever way it reached the view (a query, or a transaction that could not get a connection); the
 * same socket codes from anything else are a bug (500), and a visitor hanging up is a client abort
 * (see test/pipeline/input-hygiene.test.ts).
 */
import { connect, createServer } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.js';
import { atomic } from '../../src/db/transaction.js';
import { installedApps } from '../../src/installed-apps.js';
import { Secret } from '../../src/settings.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, ENGINE } from '../support/database.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/** A local port nothing listens on (bound, then closed again). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Routes without a session (so only their own work touches the database). */
function causesApp(port: number): KeenApp {
  return {
    name: 'causes',
    routes(app, { database }) {
      // Drizzle opens a transaction with the pool's connect(), outside its query-error wrapper.
      app.get('/tx/', { config: { session: false } }, async () => {
        await atomic(database.db, (tx) => tx.execute(sql`SELECT 1`));
        return { ok: true };
      });
      // A connection to something that is not the database fails with the same socket codes.
      app.get('/elsewhere/', { config: { session: false } }, async () => {
        await new Promise<void>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', resolve);
          socket.on('error', reject);
        });
        return { ok: true };
      });
    },
  };
}

/** The error reports (not access lines) the app logged for `path` since `before`. */
function reportsFor(t: TestApp, before: number) {
  return t.logs
    .slice(before)
    .filter((line) => line.code !== undefined)
    .map((line) => [line.level, line.code]);
}

describe(`errors classified by cause (${ENGINE})`, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /**
   * The database the app uses, and how to take it away: a cut proxy on PostgreSQL (put back before the
   * pool is closed, as `pg` waits for its lost connections), closing it on PGlite.
   */
  async function outageDatabase(): Promise<{ database: Database; cut: () => Promise<void> }> {
    const database = await createTestDatabase();
    if (ENGINE === 'pglite') {
      let closed = false;
      const cut = async () => {
        closed = true;
        await database.close();
      };
      cleanups.push(async () => (closed ? undefined : database.close()));
      return { database, cut };
    }
    cleanups.push(() => database.close());
    const target = new URL(database.url as string);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const proxiedUrl = new URL(target);
    proxiedUrl.host = `127.0.0.1:${proxy.port}`;
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
    cleanups.push(async () => {
      await proxy.start();
      await proxied.close();
    });
    return { database: proxied, cut: () => proxy.stop() };
  }

  it('a transaction that cannot reach the database is a 503; a refused connection elsewhere is a 500', async () => {
    const { database, cut } = await outageDatabase();
    const t = await createTestApp({ database, apps: [...installedApps, causesApp(await closedPort())] });
    cleanups.push(() => t.close());
    const get = (url: string) =>
      t.app.inject({ url, headers: { host: 'localhost', accept: 'application/json' } });

    expect((await get('/tx/')).statusCode).toBe(200);

    // ECONNREFUSED from a socket that is not the database's: a bug to fix, not an outage to page about.
    let before = t.logs.length;
    const elsewhere = await get('/elsewhere/');
    expect(elsewhere.statusCode).toBe(500);
    expect(elsewhere.json().error.code).toBe('KEEN_E_INTERNAL');
    expect(reportsFor(t, before)).toEqual([[50, 'KEEN_E_INTERNAL']]);

    await cut();
    // The first finds the pooled connection gone (inside a query); the second cannot open a new one.
    for (const attempt of ['pooled connection', 'new connection']) {
      before = t.logs.length;
      const down = await get('/tx/');
      expect(down.statusCode, attempt).toBe(503);
      expect(down.json().error.code, attempt).toBe('KEEN_E_DB_UNAVAILABLE');
      expect(reportsFor(t, before), attempt).toEqual([[50, 'KEEN_E_DB_UNAVAILABLE']]);
    }
  }, 30_000);
});
