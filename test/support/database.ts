/**
 * A fresh, migrated database per test file: an in-memory PGlite by default, or a new database on the
 * PostgreSQL server named by KEEN_TEST_DATABASE_URL (dropped afterwards). Same tests, both engines.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrateInstalledApps } from '../../src/cli/bootstrap.js';
import { type Database, openDatabase, wrapPglite } from '../../src/db/client.js';
import { Secret } from '../../src/settings.js';
import type { Tracing } from '../../src/tracing/tracing.js';

export const TEST_POSTGRES_URL = process.env.KEEN_TEST_DATABASE_URL;

/** The engine the suite runs on, for test names and engine-specific tests. */
export const ENGINE = TEST_POSTGRES_URL ? 'postgres' : 'pglite';

export interface TestDatabase extends Database {
  /** The connection URL (PostgreSQL only), for tests that start other processes on the same database. */
  url?: string;
}

/** Runs one statement on its own connection to `url` (by default the test server's admin database). */
export async function adminQuery(query: string, url = TEST_POSTGRES_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** Creates, migrates and returns a database; `close()` also drops it (PostgreSQL). */
export async function createTestDatabase(
  options: { migrate?: boolean; tracing?: Tracing } = {},
): Promise<TestDatabase> {
  let database: TestDatabase;
  if (TEST_POSTGRES_URL) {
    const name = `keen_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${name}`;
    const opened = await openDatabase(
      {
        kind: 'postgres',
        url: new Secret(url.toString()),
        ssl: false,
        poolSize: 5,
        statementTimeoutMs: 30_000,
        preparedStatements: true,
        direct: null,
      },
      { command: 'test', tracing: options.tracing ?? null },
    );
    database = {
      ...opened,
      url: url.toString(),
      close: async () => {
        await opened.close();
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  } else {
    const client = await PGlite.create();
    database = await wrapPglite(client, 30_000, () => client.close(), options.tracing ?? null);
  }
  if (options.migrate !== false) await migrateInstalledApps(database);
  return database;
}
