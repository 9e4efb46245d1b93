/** A second client on a test database that records every query it sends (query counts are tests). */
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Db } from '../../src/db/client.js';
import * as schema from '../../src/db/schema.js';
import type { TestDatabase } from './database.js';

export async function countingDb(
  database: TestDatabase,
): Promise<{ db: Db; queries: string[]; close(): Promise<void> }> {
  const queries: string[] = [];
  const logger = { logQuery: (query: string) => queries.push(query) };
  if (database.pglite) {
    return {
      db: drizzlePglite(database.pglite, { schema, logger }) as unknown as Db,
      queries,
      close: async () => {},
    };
  }
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  return { db: drizzlePg(pool, { schema, logger }) as unknown as Db, queries, close: () => pool.end() };
}
