/**
 * Database settings: DATABASE_URL (or the Django deployment's DB_* variables), the pool, the statement
 * timeout, and what a connection pooler in front of PostgreSQL needs (docs/database.md):
 * DB_PREPARED_STATEMENTS and DATABASE_DIRECT_URL.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SettingsError } from '../errors.js';
import { bool, type Env, int, text } from './env-values.js';
import { Secret } from './secret.js';

/** One way to reach PostgreSQL: the URL (sslmode removed) and the TLS it asked for. */
export interface PostgresConnection {
  url: Secret;
  ssl: boolean | 'no-verify';
}

/** Where the data lives: PostgreSQL over the network, or PGlite embedded in this process. */
export type DatabaseSettings =
  | (PostgresConnection & {
      kind: 'postgres';
      poolSize: number;
      statementTimeoutMs: number;
      /** False behind a transaction-mode pooler (PgBouncer < 1.21): every query goes unnamed. */
      preparedStatements: boolean;
      /**
       * DATABASE_DIRECT_URL: PostgreSQL itself when DATABASE_URL goes through a pooler, for the work
       * that needs one server session throughout (migrations, pg_dump, pg_restore); null: DATABASE_URL.
       */
      direct: PostgresConnection | null;
    })
  | { kind: 'pglite'; dataDir: string; statementTimeoutMs: number };

type PostgresSettings = Extract<DatabaseSettings, { kind: 'postgres' }>;

const SSL_MODES: Record<string, boolean | 'no-verify'> = {
  disable: false,
  allow: false,
  prefer: false,
  require: 'no-verify',
  'verify-ca': true,
  'verify-full': true,
};

/** Validates a postgres:// URL read from `name`; errors name that variable. */
function postgresConnection(name: string, url: string): PostgresConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SettingsError(name, 'is not a URL (expected postgres://user:password@host:5432/name)');
  }
  if (!['postgres:', 'postgresql:'].includes(parsed.protocol)) {
    throw new SettingsError(name, `must start with postgres:// (got ${parsed.protocol}//)`);
  }
  if (!parsed.hostname) throw new SettingsError(name, 'has no host');
  const sslmode = parsed.searchParams.get('sslmode') ?? 'disable';
  const ssl = SSL_MODES[sslmode];
  if (ssl === undefined) {
    throw new SettingsError(name, `sslmode "${sslmode}" is not one of ${Object.keys(SSL_MODES).join(', ')}`);
  }
  // node-postgres reads the CA from sslrootcert (and then always verifies), and so does pg_dump: it
  // stays in the URL, but only where verifying is asked for, and must name a file.
  const rootCert = parsed.searchParams.get('sslrootcert');
  if (rootCert !== null) {
    if (ssl !== true) {
      throw new SettingsError(name, `sslrootcert needs sslmode=verify-full or verify-ca (got ${sslmode})`);
    }
    if (rootCert === 'system') {
      throw new SettingsError(name, "sslrootcert=system: leave sslrootcert out to use Node's trusted CAs");
    }
    if (!existsSync(rootCert)) throw new SettingsError(name, `sslrootcert ${rootCert} does not exist`);
  }
  // pg would read sslmode itself with different semantics; we pass ssl explicitly instead.
  parsed.searchParams.delete('sslmode');
  return { url: new Secret(parsed.toString()), ssl };
}

export function databaseFromEnv(env: Env, dataDir: string): DatabaseSettings {
  const poolSize = int(env, 'DB_POOL_SIZE', 10, 1, 1000);
  const statementTimeoutMs = int(env, 'DB_STATEMENT_TIMEOUT', 30_000, 0, 86_400_000);
  const preparedStatements = bool(env, 'DB_PREPARED_STATEMENTS', true);
  const directUrl = env.DATABASE_DIRECT_URL?.trim();
  let url = env.DATABASE_URL?.trim();
  const djangoNames = ['DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DB_HOST', 'DB_PORT'];
  if (!url && djangoNames.some((name) => env[name]?.trim())) {
    // The Django deployment's variables, so an existing .env keeps working.
    const user = encodeURIComponent(text(env, 'DB_USER', 'django_user'));
    const password = env.DB_PASSWORD ? `:${encodeURIComponent(env.DB_PASSWORD)}` : '';
    const host = text(env, 'DB_HOST', 'db');
    const port = int(env, 'DB_PORT', 5432, 1, 65535);
    const name = encodeURIComponent(text(env, 'DB_NAME', 'django_db'));
    url = `postgres://${user}${password}@${host}:${port}/${name}`;
  }
  if (!url) {
    if (directUrl) {
      throw new SettingsError(
        'DATABASE_DIRECT_URL',
        'is set without DATABASE_URL: it is the direct address of the PostgreSQL database that DATABASE_URL reaches through a pooler',
      );
    }
    return { kind: 'pglite', dataDir: join(dataDir, 'pglite'), statementTimeoutMs };
  }
  return {
    kind: 'postgres',
    ...postgresConnection('DATABASE_URL', url),
    poolSize,
    statementTimeoutMs,
    preparedStatements,
    direct: directUrl ? postgresConnection('DATABASE_DIRECT_URL', directUrl) : null,
  };
}

/** The settings for work that needs one server session throughout: DATABASE_DIRECT_URL when set. */
export function directDatabase(database: PostgresSettings): PostgresSettings {
  return database.direct ? { ...database, ...database.direct, direct: null } : database;
}
