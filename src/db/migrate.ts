/**
 * Applies the committed SQL migrations (written by drizzle-kit into migrations/) in order.
 *
 * All pending migrations run in one transaction under an advisory lock, so two processes migrating at
 * once (two containers starting together) never apply a migration twice: the second waits, then finds
 * nothing left to do. Applied migrations are recorded in `keen_migrations`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { MigrationError } from '../errors.js';
import { projectRoot } from '../project-root.js';
import { type Database, type Db, queryRows, type Tx } from './client.js';
import { needsOwnTransaction } from './migration-safety.js';

/** One migration file as listed in drizzle-kit's journal. */
export interface MigrationFile {
  name: string;
  statements: string[];
  checksum: string;
}

interface Journal {
  entries: { idx: number; tag: string }[];
}

// Any constant works; it only has to be the same in every Keen process.
const MIGRATION_LOCK_ID = 7_305_100_001;

/** Reads migrations/meta/_journal.json and the SQL files it lists, in order. */
export function readMigrations(folder = join(projectRoot(), 'migrations')): MigrationFile[] {
  const journalFile = join(folder, 'meta', '_journal.json');
  if (!existsSync(journalFile)) throw new MigrationError(`no migration journal at ${journalFile}`);
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map(({ tag }) => {
      const file = join(folder, `${tag}.sql`);
      if (!existsSync(file))
        throw new MigrationError(`migration ${tag} is in the journal but ${file} is missing`);
      const text = readFileSync(file, 'utf8');
      return {
        name: tag,
        statements: text
          .split('--> statement-breakpoint')
          .map((statement) => statement.trim())
          .filter((statement) => statement !== ''),
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    });
}

async function ensureTable(tx: Tx): Promise<void> {
  await tx.execute(sql`CREATE TABLE IF NOT EXISTS keen_migrations (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

async function appliedNames(tx: Tx): Promise<Map<string, string>> {
  const rows = await queryRows<{ name: string; checksum: string }>(
    tx,
    sql`SELECT name, checksum FROM keen_migrations`,
  );
  return new Map(rows.map((row) => [row.name, row.checksum]));
}

/** Names of migrations not yet applied (empty when the database is up to date). */
export async function pendingMigrations(database: Database, files = readMigrations()): Promise<string[]> {
  const [exists] = await queryRows<{ present: boolean }>(
    database.db,
    sql`SELECT to_regclass('keen_migrations') IS NOT NULL AS present`,
  );
  if (!exists?.present) return files.map((file) => file.name);
  const rows = await queryRows<{ name: string }>(database.db, sql`SELECT name FROM keen_migrations`);
  const applied = new Set(rows.map((row) => row.name));
  return files.filter((file) => !applied.has(file.name)).map((file) => file.name);
}

export interface MigrateResult {
  applied: string[];
  /** Applied migrations whose file changed since; reported, not fatal. */
  changed: string[];
}

/**
 * Applies every pending migration, then runs `afterMigrate` (permission sync) in the same transaction.
 * Idempotent: a second run applies nothing.
 *
 * A migration with a statement PostgreSQL refuses inside a transaction block (`CREATE INDEX
 * CONCURRENTLY`, the safe way to index a big table) runs on its own: the migrations before it are
 * committed first, then its statements run one by one, and it is recorded once they all succeeded. Its
 * statements should be re-runnable (`IF NOT EXISTS`), since a failure part-way leaves the earlier ones
 * done.
 */
export async function migrate(
  database: Database,
  options: { files?: MigrationFile[]; afterMigrate?: (tx: Tx) => Promise<void> } = {},
): Promise<MigrateResult> {
  const files = options.files ?? readMigrations();
  const result: MigrateResult = { applied: [], changed: [] };
  for (;;) {
    const own = await database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`);
      await ensureTable(tx);
      const applied = await appliedNames(tx);
      for (const file of files) {
        const checksum = applied.get(file.name);
        if (checksum !== undefined) {
          if (checksum !== file.checksum && !result.changed.includes(file.name))
            result.changed.push(file.name);
          continue;
        }
        if (file.statements.some(needsOwnTransaction)) return file;
        for (const statement of file.statements) await runStatement(tx, file, statement);
        await record(tx, file);
        result.applied.push(file.name);
      }
      await options.afterMigrate?.(tx);
      return null;
    });
    if (!own) return result;
    for (const statement of own.statements) await runStatement(database.db, own, statement);
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`);
      await record(tx, own);
    });
    result.applied.push(own.name);
  }
}

async function runStatement(db: Db | Tx, file: MigrationFile, statement: string): Promise<void> {
  try {
    await db.execute(sql.raw(statement));
  } catch (error) {
    throw new MigrationError(`migration ${file.name} failed: ${(error as Error).message}`);
  }
}

async function record(tx: Tx, file: MigrationFile): Promise<void> {
  // ON CONFLICT: a migration run outside a transaction may have been recorded by another process.
  await tx.execute(
    sql`INSERT INTO keen_migrations (name, checksum) VALUES (${file.name}, ${file.checksum}) ON CONFLICT (name) DO NOTHING`,
  );
}
