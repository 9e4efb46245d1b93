/**
 * The Django site's database, read for `keen import-django`: one read-only connection in one
 * REPEATABLE READ transaction, so every table is read from the same snapshot while the old site keeps
 * running, and nothing can be written to it by mistake.
 */
import pg from 'pg';
import { CommandError } from '../errors.js';

/** The tables of Django's own apps the import reads; the site's apps' tables are checked by their importers. */
export const DJANGO_TABLES = [
  'django_content_type',
  'auth_user',
  'auth_group',
  'auth_permission',
  'auth_user_groups',
  'auth_user_user_permissions',
  'auth_group_permissions',
] as const;

export interface DjangoSource {
  /** Rows of a query against the snapshot. */
  rows<T>(text: string): Promise<T[]>;
  /** The tables the database has (public schema). */
  tables(): Promise<Set<string>>;
  close(): Promise<void>;
}

/** Opens `url` read-only at one snapshot; refuses a database without Django's tables. */
export async function openDjangoSource(url: string): Promise<DjangoSource> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CommandError('--from must be a postgres:// URL of the Django database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new CommandError('--from must be a postgres:// URL of the Django database');
  const client = new pg.Client({ connectionString: url, application_name: 'keen import-django' });
  try {
    await client.connect();
  } catch (error) {
    // The message names the host and the cause; never the URL, which may hold a password.
    throw new CommandError(
      `cannot connect to the Django database at ${parsed.hostname}:${parsed.port || 5432}: ${(error as Error).message}`,
    );
  }
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const source: DjangoSource = {
    async rows<T>(text: string) {
      return (await client.query(text)).rows as T[];
    },
    async tables() {
      const result = await client.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      return new Set(result.rows.map((row) => row.name));
    },
    async close() {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    },
  };
  const present = await source.tables();
  const missing = DJANGO_TABLES.filter((table) => !present.has(table));
  if (missing.length) {
    await source.close();
    throw new CommandError(`not a Django database: it has no ${missing.join(', ')}`);
  }
  return source;
}
