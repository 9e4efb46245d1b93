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
import { type DatabaseSettings, directDatabase } from '../settings.js';
import type { Tracing } from '../tracing/tracing.js';
import { lockDataDir } from './datadir-lock.js';
import {
  observeCheckedOutClient,
  observePgliteQueries,
  observePoolQueries,
  type QueryObserver,
  QueryObservers,
} from './query-observers.js';
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
  /** The pool's connections, for the metrics (PostgreSQL only). */
  poolStats?(): { total: number; idle: number; waiting: number };
  /** Tells `observer` of every statement from now on (./query-observers.ts); returns how to stop. */
  observeQueries(observer: QueryObserver): () => void;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** The keen command opening it, recorded in the embedded database's lock file. */
  command: string;
  logger?: Logger;
  /** Go to PostgreSQL itself (DATABASE_DIRECT_URL, when set) rather than the pooler: migrations, restores. */
  direct?: boolean;
  /** A span per statement, when tracing is on (src/tracing/). */
  tracing?: Tracing | null;
}

/** Opens the database the settings name. On PGlite this takes the data folder's lock first. */
export async function openDatabase(settings: DatabaseSettings, options: OpenOptions): Promise<Database> {
  if (settings.kind === 'postgres') {
    return openPostgres(options.direct ? directDatabase(settings) : settings, options);
  }
  const release = lockDataDir(pgliteLockDir(settings.dataDir), options.command);
  try {
    // Loaded only for the embedded database: PostgreSQL workers boot without it.
    const { PGlite } = await import('@electric-sql/pglite');
    const client = await PGlite.create(settings.dataDir);
    return wrapPglite(
      client,
      settings.statementTimeoutMs,
      async () => {
        await client.close();
        release();
      },
      options.tracing,
    );
  } catch (error) {
    release();
    throw error;
  }
}

/** Where the embedded database's lock file lives: beside PGlite's folder (KEEN_DATA_DIR), not in it. */
export function pgliteLockDir(pgliteDataDir: string): string {
  return dirname(pgliteDataDir);
}

/**
 * `observeQueries` for one database: the drivers' methods are wrapped (by `install`) when the first
 * observer comes, so a process without tracing or metrics runs them untouched.
 */
function lazilyObserved(
  install: (observers: QueryObservers) => void,
): (observer: QueryObserver) => () => void {
  let observers: QueryObservers | null = null;
  return (observer) => {
    if (!observers) {
      observers = new QueryObservers();
      install(observers);
    }
    return observers.add(observer);
  };
}

/** Wraps an already-created PGlite (tests use in-memory ones). */
export async function wrapPglite(
  client: PGlite,
  statementTimeoutMs: number,
  close: () => Promise<void> = () => client.close(),
  tracing: Tracing | null = null,
): Promise<Database> {
  if (statementTimeoutMs > 0) await client.exec(`SET statement_timeout = ${Math.floor(statementTimeoutMs)}`);
  const observeQueries = lazilyObserved((observers) => observePgliteQueries(client, observers));
  if (tracing) observeQueries(tracing);
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    ping: async () => {
      await client.query('SELECT 1');
    },
    observeQueries,
    close,
  };
}

function openPostgres(
  settings: Extract<DatabaseSettings, { kind: 'postgres' }>,
  { logger, tracing }: Pick<OpenOptions, 'logger' | 'tracing'>,
): Database {
  const pool = new ConnectionMarkingPool({
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
  if (!settings.preparedStatements) pool.on('connect', unnameStatements);
  const observeQueries = lazilyObserved((observers) => {
    observePoolQueries(pool, observers);
    pool.observer = observers;
  });
  if (tracing) observeQueries(tracing);
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await db.execute(sql`SELECT 1`);
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    observeQueries,
    close: () => pool.end(),
  };
}

/**
 * The pg pool, with two repairs for the clients Drizzle checks out itself to run a transaction (the
 * pool's own `query` uses the callback form of `connect`, and is left alone):
 * - a failure to open a connection is marked, so {@link isConnectionError} knows it came from the
 *   database (Drizzle wraps query errors in DrizzleQueryError, but not this one);
 * - a checked-out client whose connection is lost is released (and so dropped) at once. pg emits
 *   'error' on it, and a checked-out client has no listener, so that would be an uncaught exception;
 *   and Drizzle sends BEGIN before its try/finally, so a client lost there would never be released
 *   and the pool would wait for it forever when it closes. The running query still gets the error.
 * With observers (tracing, metrics), a checked-out client's statements are observed until it is
 * released (./query-observers.ts).
 */
class ConnectionMarkingPool extends pg.Pool {
  observer: QueryObserver | null = null;

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: Parameters<pg.Pool['connect']>[0]): void;
  override connect(callback?: Parameters<pg.Pool['connect']>[0]): Promise<pg.PoolClient> | undefined {
    if (callback) {
      super.connect((error, client, done) => {
        if (error) explainRefusedParameter(error);
        callback(error, client, done);
      });
      return undefined;
    }
    return super.connect().then(
      (client) => releasedWhenLost(client, this.observer),
      (error: unknown) => {
        if (error && typeof error === 'object') failedConnects.add(error);
        explainRefusedParameter(error);
        throw error;
      },
    );
  }
}

/**
 * DB_PREPARED_STATEMENTS=false: drops the name of every query on this connection, so none is prepared
 * on the server. pg prepares a named query once per connection and then only binds it, which breaks
 * behind a transaction-mode pooler (PgBouncer < 1.21): the next transaction may run on another server
 * connection, where the statement does not exist, or already exists under that name for another client.
 */
function unnameStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const unnamed = (config: unknown, ...rest: unknown[]) =>
    query(isNamedConfig(config) ? { ...config, name: undefined } : config, ...rest);
  client.query = unnamed as typeof client.query;
}

/** A plain query config with a name (Drizzle's prepared queries); not a Submittable such as a cursor. */
function isNamedConfig(config: unknown): config is { name: string } {
  if (!config || typeof config !== 'object') return false;
  const candidate = config as { name?: unknown; submit?: unknown };
  return (
    typeof candidate.name === 'string' && candidate.name !== '' && typeof candidate.submit !== 'function'
  );
}

/**
 * PgBouncer refuses startup parameters it does not track, and DB_STATEMENT_TIMEOUT is sent as one; the
 * bare "unsupported startup parameter" would not say which setting to change.
 */
function explainRefusedParameter(error: unknown): void {
  if (!(error instanceof Error) || !/unsupported startup parameter: statement_timeout/.test(error.message))
    return;
  if (error.message.includes('DB_STATEMENT_TIMEOUT')) return;
  error.message +=
    ' (DB_STATEMENT_TIMEOUT sends it, and a connection pooler such as PgBouncer refuses it: set DB_STATEMENT_TIMEOUT=0 and give the database or role a statement_timeout instead; see docs/database.md)';
}

/** The checked-out client, released with the error if its connection is lost; releasing twice is a no-op. */
function releasedWhenLost(client: pg.PoolClient, observer: QueryObserver | null): pg.PoolClient {
  const release = client.release.bind(client);
  const untrace = observer ? observeCheckedOutClient(client, observer) : null;
  let released = false;
  const releaseOnce = (error?: Error | boolean) => {
    if (released) return;
    released = true;
    untrace?.();
    client.off('error', onLost);
    release(error);
  };
  const onLost = (error: Error) => releaseOnce(error);
  client.on('error', onLost);
  client.release = releaseOnce;
  return client;
}

/** Errors the pool raised while opening a connection (see {@link ConnectionMarkingPool}). */
const failedConnects = new WeakSet<object>();

/** Socket errors: inside a database error, the database's connection failed. */
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

/** pg's messages for a connection lost, timed out or never made. */
const CONNECTION_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not connected/i;

/** The error and its causes, outermost first (at most 10 deep). */
function* causeChain(error: unknown): Generator<Error> {
  let current = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    yield current;
    current = current.cause;
  }
}

/**
 * True for an error that came from the database: a query's (Drizzle wraps every one in
 * DrizzleQueryError), the pool's failure to open a connection, or the server's own error.
 */
function fromDatabase(error: unknown): boolean {
  for (const current of causeChain(error)) {
    if (current instanceof DrizzleQueryError || current instanceof pg.DatabaseError) return true;
    if (failedConnects.has(current)) return true;
  }
  return false;
}

/** True when an error (from the database) says the connection failed, rather than the statement. */
function isConnectionProblem(error: unknown): boolean {
  for (const current of causeChain(error)) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (SERVER_UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
      if (SOCKET_ERROR_CODES.has(code)) return true;
    }
    if (CONNECTION_MESSAGE.test(current.message)) return true;
    if (current instanceof AggregateError && current.errors.some(isConnectionProblem)) return true;
  }
  return false;
}

/**
 * True for errors that mean "the database is unreachable", as opposed to a bad query. Only errors that
 * came from the database count: the same socket codes (ECONNRESET, EPIPE) on the visitor's own
 * connection mean the visitor hung up, which is no outage (the error boundary reports that as a client
 * abort).
 */
export function isConnectionError(error: unknown): boolean {
  // PGlite's own error once it is closing or closed, thrown by its transactions outside Drizzle's wrapper.
  for (const current of causeChain(error)) if (/^PGlite is clos(ed|ing)$/.test(current.message)) return true;
  return fromDatabase(error) && isConnectionProblem(error);
}

/**
 * Runs raw SQL and returns its rows; the same on both drivers (whose result types differ).
 * Prefer the typed query builder; this is for the few statements it can't express.
 */
export async function queryRows<T>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
