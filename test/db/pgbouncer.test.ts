// Keen through PgBouncer in transaction mode (issue 15): Debian's PgBouncer (1.18 here, which cannot
// keep prepared statements in transaction mode) with 2 server connections in front of the test
// database. Migrations go to DATABASE_DIRECT_URL; the site goes through PgBouncer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { posts } from '../../src/apps/blog/schema.js';
import { migrateInstalledApps, openRuntime } from '../../src/cli/bootstrap.js';
import { type Database, openDatabase, queryRows } from '../../src/db/client.js';
import { readMigrations } from '../../src/db/migrate.js';
import { ADMIN, staffClient } from '../admin/support.js';
import { openAndSubmit } from '../admin/view-helpers.js';
import { createTestApp, GOOD_PASSWORD, TEST_SECRET_KEY, type TestApp, testSettings } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { adminQuery, createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/keen-serve.js';
import { selfSignedCertificate } from '../support/nginx.js';
import { PGBOUNCER_AVAILABLE, type PgBouncer, startPgBouncer } from '../support/pgbouncer.js';

/** Server connections PgBouncer keeps: fewer than Keen's pool, so Keen's connections take turns on them. */
const SERVER_CONNECTIONS = 2;

/** The messages of an error and its causes (Drizzle wraps pg's error). */
function messages(error: unknown): string {
  const found: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) found.push(current.message);
  return found.join(' <- ');
}

describe.runIf(PGBOUNCER_AVAILABLE && ENGINE === 'postgres')(
  'Keen through PgBouncer (transaction mode)',
  () => {
    let work: string;
    let database: TestDatabase;
    let bouncer: PgBouncer;
    let migrated: string[];
    let certificate: string;

    /** The site's settings: DATABASE_URL through PgBouncer, the direct URL beside it. */
    const pooledEnv = (env: Record<string, string> = {}) => ({
      DATABASE_URL: bouncer.url,
      DATABASE_DIRECT_URL: database.url as string,
      DB_STATEMENT_TIMEOUT: '0',
      DB_POOL_SIZE: '6',
      ...env,
    });

    const openPooled = (env: Record<string, string> = {}): Promise<Database> =>
      openDatabase(testSettings(pooledEnv(env)).database, { command: 'test' });

    /** The real app on a pool through PgBouncer; closing it closes that pool too. */
    async function pooledApp(env: Record<string, string>): Promise<TestApp> {
      const pooled = await openPooled(env);
      const app = await createTestApp({ database: pooled, env: pooledEnv(env) });
      return {
        ...app,
        async close() {
          await app.close();
          await pooled.close();
        },
      };
    }

    /** `visitors` staff users log in at once, then each loads the admin `pages` times at once. */
    async function crowd(t: TestApp, prefix: string, visitors = 6, pages = 4): Promise<number[]> {
      const names = Array.from({ length: visitors }, (_, index) => `${prefix}${index}`);
      for (const username of names) await t.createUser({ username, isStaff: true, isSuperuser: true });
      const statuses = await Promise.all(
        names.map(async (username) => {
          const client = new TestClient(t.app);
          const login = await client.login(username, GOOD_PASSWORD);
          const views = await Promise.all(Array.from({ length: pages }, () => client.get(ADMIN)));
          return [login.statusCode, ...views.map((view) => view.statusCode)];
        }),
      );
      return statuses.flat();
    }

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'keen-pgbouncer-'));
      database = await createTestDatabase({ migrate: false });
      const port = await freePort();
      const pooledUrl = new URL(database.url as string);
      pooledUrl.host = `127.0.0.1:${port}`;
      // `keen migrate`'s own way in, before PgBouncer runs: it can only have used DATABASE_DIRECT_URL.
      const runtime = await openRuntime('migrate', {
        SECRET_KEY: TEST_SECRET_KEY,
        DATABASE_URL: pooledUrl.toString(),
        DATABASE_DIRECT_URL: database.url as string,
        LOG_LEVEL: 'silent',
      });
      try {
        migrated = (await migrateInstalledApps(runtime.database)).applied;
      } finally {
        await runtime.database.close();
      }
      // The statement timeout the docs give for a pooler: the database's own (or the role's), which
      // PostgreSQL applies to every server connection PgBouncer opens.
      const name = new URL(database.url as string).pathname.slice(1);
      await adminQuery(`ALTER DATABASE ${name} SET statement_timeout = '2s'`);
      const tls = selfSignedCertificate(work);
      certificate = tls.certificate;
      bouncer = await startPgBouncer({
        work,
        port,
        target: database.url as string,
        poolSize: SERVER_CONNECTIONS,
        tls,
      });
    });

    afterAll(async () => {
      await bouncer?.stop();
      await database?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('keen migrate applies the migrations over DATABASE_DIRECT_URL', () => {
      expect([...migrated].sort()).toEqual(
        readMigrations()
          .map((file) => file.name)
          .sort(),
      );
    });

    it('with DB_PREPARED_STATEMENTS=false: logs in, saves in the admin, and serves a crowd on 2 server connections', async () => {
      const t = await pooledApp({ DB_PREPARED_STATEMENTS: 'false' });
      try {
        const root = await staffClient(t, 'root', { superuser: true });
        const saved = await openAndSubmit(root, `${ADMIN}blog/post/add/`, {
          title: 'Through PgBouncer',
          slug: 'through-pgbouncer',
          summary: 'Short',
          body: 'Body text',
          status: 'draft',
          extra: '{}',
        });
        expect(saved.statusCode).toBe(303);
        const stored = await database.db.select().from(posts).where(eq(posts.slug, 'through-pgbouncer'));
        expect(stored.map((post) => post.title)).toEqual(['Through PgBouncer']);

        for (let round = 0; round < 3; round++) {
          const statuses = await crowd(t, `visitor${round}_`);
          expect(new Set(statuses)).toEqual(new Set([303, 200]));
        }
        // Keen opened more connections than PgBouncer has server connections: they were shared.
        const name = new URL(database.url as string).pathname.slice(1);
        const clients = await bouncer.admin<{ database: string }>('SHOW CLIENTS');
        const servers = await bouncer.admin<{ database: string }>('SHOW SERVERS');
        expect(clients.filter((client) => client.database === name).length).toBeGreaterThan(
          SERVER_CONNECTIONS,
        );
        expect(servers.filter((server) => server.database === name).length).toBeLessThanOrEqual(
          SERVER_CONNECTIONS,
        );
      } finally {
        await t.close();
      }
    });

    it('with prepared statements on (the default) the same flow fails: pg names statements PgBouncer 1.18 cannot keep', async () => {
      const t = await pooledApp({});
      try {
        const statuses: number[] = [];
        for (let round = 0; round < 5 && !statuses.includes(500); round++) {
          statuses.push(...(await crowd(t, `named${round}_`)));
        }
        expect(statuses).toContain(500);
        // The session store's statements, prepared on one server connection and met again on another.
        expect(t.rawLogs()).toMatch(
          /prepared statement \\?"keen_\w+_session\\?" (does not exist|already exists)/,
        );
      } finally {
        await t.close();
      }
    });

    it("refuses DB_STATEMENT_TIMEOUT with a message naming it; the database's own statement_timeout applies instead", async () => {
      const refused = await openPooled({ DB_STATEMENT_TIMEOUT: '30000', DB_PREPARED_STATEMENTS: 'false' });
      try {
        const error = await refused.ping().then(
          () => null,
          (failure: unknown) => failure,
        );
        expect(messages(error)).toMatch(
          /unsupported startup parameter: statement_timeout.*set DB_STATEMENT_TIMEOUT=0/,
        );
      } finally {
        await refused.close();
      }
      const pooled = await openPooled({ DB_PREPARED_STATEMENTS: 'false' });
      try {
        const [shown] = await queryRows<{ statement_timeout: string }>(
          pooled.db,
          sql`SHOW statement_timeout`,
        );
        expect(shown?.statement_timeout).toBe('2s');
        const error = await queryRows(pooled.db, sql`SELECT pg_sleep(3)`).then(
          () => null,
          (failure: unknown) => failure,
        );
        expect(messages(error)).toMatch(/canceling statement due to statement timeout/);
      } finally {
        await pooled.close();
      }
    });

    it('DATABASE_URL with sslmode=verify-full and sslrootcert: TLS to PgBouncer, checked against that CA', async () => {
      const withCa = (ca: string) => {
        const url = new URL(bouncer.url);
        url.searchParams.set('sslmode', 'verify-full');
        url.searchParams.set('sslrootcert', ca);
        return { DATABASE_URL: url.toString(), DB_PREPARED_STATEMENTS: 'false' };
      };
      const trusted = await openPooled(withCa(certificate));
      try {
        await trusted.ping();
        const clients = await bouncer.admin<{ database: string; tls: string }>('SHOW CLIENTS');
        const name = new URL(database.url as string).pathname.slice(1);
        expect(clients.some((client) => client.database === name && client.tls !== '')).toBe(true);
      } finally {
        await trusted.close();
      }
      const stranger = await openPooled(withCa(selfSignedCertificate(work, 'stranger').certificate));
      try {
        const error = await stranger.ping().then(
          () => null,
          (failure: unknown) => failure,
        );
        expect(messages(error)).toMatch(/self[- ]signed certificate|unable to verify/);
      } finally {
        await stranger.close();
      }
    });
  },
);
