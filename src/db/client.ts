/**
 * The database client: a `pg` pool for PostgreSQL, or PGlite embedded in this process when no
 * DATABASE_URL is set. Both give the same typed Drizzle API, so the rest of Keen doesn't care which.
 */

import { dirname } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { DrizzleQueryError, type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DatabaseSettings } from '../settings.js';
import { lockDataDir } from './datadir-lock.js';
import * as schema from './schema.js';

/** The typed Drizzle database, the same type for both drivers. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A Drizzle transaction (the argument of `db.transaction`). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** An open database and what a process needs to manage it. */
export interface Database {
  db: Db;
  kind: DatabaseSettings['kind'];
  /** The embedded client itself (backups dump its data folder); absent on PostgreSQL. */
  pglite?: PGlite;
  /** Runs a trivial query; throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** The keen command opening it, recorded in the embedded database's lock file. */
  command: string;
  logger?: Logger;
}

/** Opens the database the settings name. On PGlite this takes the data folder's lock first. */
export async function openDatabase(settings: DatabaseSettings, options: OpenOptions): Promise<Database> {
  if (settings.kind === 'postgres') return openPostgres(settings, options.logger);
  const release = lockDataDir(pgliteLockDir(settings.dataDir), options.command);
  try {
    // Loaded only for the embedded database: PostgreSQL workers boot without it.
    const { PGlite } = await import('@electric-sql/pglite');
    const client = await PGlite.create(settings.dataDir);
    return wrapPglite(client, settings.statementTimeoutMs, async () => {
      await client.close();
      release();
    });
  } catch (error) {
    release();
    throw error;
  }
}

/** Where the embedded database's lock file lives: beside PGlite's folder (KEEN_DATA_DIR), not in it. */
export function pgliteLockDir(pgliteDataDir: string): string {
  return dirname(pgliteDataDir);
}

/** Wraps an already-created PGlite (tests use in-memory ones). */
export async function wrapPglite(
  client: PGlite,
  statementTimeoutMs: number,
  close: () => Promise<void> = () => client.close(),
): Promise<Database> {
  if (statementTimeoutMs > 0) await client.exec(`SET statement_timeout = ${Math.floor(statementTimeoutMs)}`);
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    ping: async () => {
      await client.query('SELECT 1');
    },
    close,
  };
}

function openPostgres(settings: Extract<DatabaseSettings, { kind: 'postgres' }>, logger?: Logger): Database {
  const pool = new pg.Pool({
    connectionString: settings.url.reveal(),
    max: settings.poolSize,
    ssl: settings.ssl === false ? undefined : { rejectUnauthorized: settings.ssl === true },
    statement_timeout: settings.statementTimeoutMs || undefined,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (database restart) must not crash the process; the pool
  // drops it and the next query opens a fresh one, which is how Keen recovers by itself.
  pool.on('error', (error) => logger?.warn({ err: error }, 'database connection lost; it will be reopened'));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await db.execute(sql`SELECT 1`);
    },
    close: () => pool.end(),
  };
}

/** Socket errors: the database's connection failed (inside a query's error) or the client's did. */
const SOCKET_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** PostgreSQL's own codes for "cannot serve you now": class 08 (connection) and these. */
const SERVER_UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

/** True for an error raised by a database query (Drizzle wraps every query's error in this). */
function isQueryError(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = (current as Error).cause) {
    if (current instanceof DrizzleQueryError) return true;
  }
  return false;
}

/**
 * True for errors that mean "the database is unreachable", as opposed to a bad query. Socket codes
 * (ECONNRESET…) count only inside a database query's error: the same codes on the client's own socket
 * mean the visitor hung up, which is no outage.
 */
export function isConnectionError(error: unknown): boolean {
  const fromQuery = isQueryError(error);
  for (let current = error; current instanceof Error; current = (current as Error).cause) {
    const code = (current as { code?: string }).code;
    if (code && (SERVER_UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (fromQuery && code && SOCKET_ERROR_CODES.has(code)) return true;
    if (/Connection terminated|connection timeout|PGlite is closed/i.test(current.message)) return true;
    if (fromQuery && /not connected/i.test(current.message)) return true;
    if (current instanceof AggregateError && current.errors.some(isConnectionError)) return true;
  }
  return false;
}

/**
 * Runs raw SQL and returns its rows; the same on both drivers (whose result types differ).
 * Prefer the typed query builder; this is for the few statements it can't express.
 */
export async function queryRows<T>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
