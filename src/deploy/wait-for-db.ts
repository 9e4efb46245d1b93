/**
 * Waits until PostgreSQL accepts a query, for at most `timeoutSeconds` (the container entrypoint's first
 * step; the seed's `nc -z db 5432` loop, bounded as the Railway deployment needed).
 */
import pg from 'pg';
import type { DatabaseSettings } from '../settings.js';

export interface WaitResult {
  ok: boolean;
  waitedMs: number;
  /** Where it tried, without credentials. */
  target: string;
  lastError?: string;
}

/** Polls with a fresh connection every `intervalMs` until one query succeeds or time runs out. */
export async function waitForDatabase(
  database: Extract<DatabaseSettings, { kind: 'postgres' }>,
  timeoutSeconds: number,
  intervalMs = 500,
): Promise<WaitResult> {
  const url = new URL(database.url.reveal());
  const target = `${url.hostname}:${url.port || 5432}${url.pathname}`;
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  let lastError: string | undefined;
  while (Date.now() < deadline) {
    const client = new pg.Client({
      connectionString: database.url.reveal(),
      ssl: database.ssl === false ? undefined : { rejectUnauthorized: database.ssl === true },
      connectionTimeoutMillis: Math.min(5000, Math.max(500, deadline - Date.now())),
    });
    // A failed connection may also emit 'error' later; without a listener that would crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return { ok: true, waitedMs: Date.now() - started, target };
    } catch (error) {
      lastError = (error as Error).message;
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))),
    );
  }
  return { ok: false, waitedMs: Date.now() - started, target, lastError };
}
