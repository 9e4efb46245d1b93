/** Real PgBouncer for tests: Debian's package, run from a config written into a test's own folder. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export const PGBOUNCER = '/usr/sbin/pgbouncer';
/** CI installs pgbouncer (.ci/run); a developer machine without it skips the tests that need it. */
export const PGBOUNCER_AVAILABLE = existsSync(PGBOUNCER) || process.env.CI === 'true';

export interface PgBouncerOptions {
  /** Folder for the config (and nothing else: PgBouncer logs to the captured stderr). */
  work: string;
  port: number;
  /** The database on the PostgreSQL server, as a URL; clients reach it under the same name. */
  target: string;
  /** Server connections PgBouncer keeps for it: the clients take turns on these. */
  poolSize: number;
  /** Offers TLS to clients that ask (client_tls_sslmode = allow). */
  tls?: { certificate: string; key: string };
}

export interface PgBouncer {
  /** `target` with PgBouncer's address in place of the server's. */
  url: string;
  /** Runs a command on PgBouncer's admin console (SHOW SERVERS…), which speaks the simple protocol only. */
  admin<T>(command: string): Promise<T[]>;
  /** What PgBouncer wrote so far (its log). */
  output(): string;
  stop(): Promise<void>;
}

/** The value quoted for a [databases] connection string. */
const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Writes the config, starts PgBouncer in transaction mode and waits until it accepts connections. */
export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  const target = new URL(options.target);
  const name = decodeURIComponent(target.pathname.slice(1));
  const server = [
    `host=${target.hostname}`,
    `port=${target.port || 5432}`,
    `dbname=${quoted(name)}`,
    `user=${quoted(decodeURIComponent(target.username))}`,
    ...(target.password ? [`password=${quoted(decodeURIComponent(target.password))}`] : []),
    `pool_size=${options.poolSize}`,
  ].join(' ');
  const config = join(options.work, 'pgbouncer.ini');
  writeFileSync(
    config,
    [
      '[databases]',
      `${name} = ${server}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${options.port}`,
      'unix_socket_dir =',
      // Every client logs in as the user of its [databases] line; the test server trusts loopback.
      'auth_type = any',
      'admin_users = pgbouncer',
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize}`,
      'max_client_conn = 200',
      ...(options.tls
        ? [
            'client_tls_sslmode = allow',
            `client_tls_cert_file = ${options.tls.certificate}`,
            `client_tls_key_file = ${options.tls.key}`,
          ]
        : []),
    ].join('\n'),
  );
  // PgBouncer refuses to run as root; it reads its files first, then becomes the given user.
  const asUser = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child: ChildProcess = spawn(PGBOUNCER, [...asUser, config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let failed: Error | null = null;
  child.once('error', (error) => {
    failed = error;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(options.port))) {
    if (failed || child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`pgbouncer did not start: ${failed ?? ''}\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = new URL(options.target);
  url.host = `127.0.0.1:${options.port}`;
  return {
    url: url.toString(),
    async admin<T>(command: string) {
      const client = new pg.Client({
        connectionString: `postgres://pgbouncer@127.0.0.1:${options.port}/pgbouncer`,
      });
      await client.connect();
      try {
        return (await client.query(command)).rows as T[];
      } finally {
        await client.end();
      }
    },
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM'); // PgBouncer's immediate shutdown (SIGINT would wait for clients)
        await exited;
      }
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
