/** What most commands do first: settings (validated), logger, database. */
import type { Logger } from 'pino';
import { syncPermissions } from '../contrib/auth/permissions.js';
import { type Database, openDatabase } from '../db/client.js';
import { migrate, pendingMigrations } from '../db/migrate.js';
import { CommandError } from '../errors.js';
import { installedApps } from '../installed-apps.js';
import { loadRuntimeSettings } from '../settings/runtime.js';
import type { Settings } from '../settings.js';
import { openStores, type Stores } from '../stores/index.js';
import { startTracing, type Tracing } from '../tracing/tracing.js';

export interface Runtime {
  settings: Readonly<Settings>;
  logger: Logger;
  database: Database;
  /** Set when the command asked for it and OTEL_EXPORTER_OTLP_ENDPOINT is set; the command shuts it down. */
  tracing: Tracing | null;
}

/**
 * Commands that go to PostgreSQL itself (DATABASE_DIRECT_URL, when DATABASE_URL is a pooler): a
 * migration's long statements (CREATE INDEX CONCURRENTLY) must not meet the pooler's timeouts or hold
 * one of its few server connections, and may raise DB_STATEMENT_TIMEOUT, which only PostgreSQL accepts.
 */
const DIRECT_COMMANDS = new Set(['migrate']);

/**
 * Settings, logger and an open database, for commands that need all three. Processes that serve or
 * run jobs ask for `traced`: tracing (when configured) starts before the database opens, so its
 * statements get spans.
 */
export async function openRuntime(
  command: string,
  overrides: Record<string, string> = {},
  { traced = false }: { traced?: boolean } = {},
): Promise<Runtime> {
  const { settings, logger } = loadRuntimeSettings(overrides);
  const tracing = traced ? await startTracing(settings.tracing, logger) : null;
  try {
    const database = await openDatabase(settings.database, {
      command,
      logger,
      direct: DIRECT_COMMANDS.has(command),
      tracing,
    });
    return { settings, logger, database, tracing };
  } catch (error) {
    await tracing?.shutdown();
    throw error;
  }
}

/** Runs `work` with the stores the settings name (sessions and throttle counters may be in Redis). */
export async function withStores<T>(runtime: Runtime, work: (stores: Stores) => Promise<T>): Promise<T> {
  const stores = await openStores(runtime);
  try {
    return await work(stores);
  } finally {
    await stores.close();
  }
}

/** Applies pending migrations and syncs permissions of the installed apps. */
export function migrateInstalledApps(database: Database) {
  return migrate(database, {
    afterMigrate: (tx) => syncPermissions(tx, installedApps).then(() => undefined),
  });
}

/**
 * Opens the database for a command that reads or writes users. The embedded database is migrated
 * first, as `keen serve` does, so a fresh one works; PostgreSQL is only checked, because changing a
 * shared database's schema stays the explicit `keen migrate` step.
 */
export async function openMigratedRuntime(command: string): Promise<Runtime> {
  const runtime = await openRuntime(command);
  try {
    if (runtime.database.kind === 'pglite') {
      await migrateInstalledApps(runtime.database);
    } else {
      const pending = await pendingMigrations(runtime.database);
      if (pending.length) {
        throw new CommandError(
          `the database has ${pending.length} pending migration(s): run keen migrate first`,
        );
      }
    }
    return runtime;
  } catch (error) {
    await runtime.database.close();
    throw error;
  }
}
