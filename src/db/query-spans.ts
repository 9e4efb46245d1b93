/**
 * A span per SQL statement, at Keen's own client (./client.ts) rather than by patching modules on load:
 * the pg pool's `query` and the `query` of a client checked out for a transaction; PGlite's `query`,
 * `exec` and the same two on its transactions. Only the statement's text is recorded. Drizzle and
 * pg-boss send values apart from it ($1, $2…), so no value a visitor typed ends up in a trace.
 *
 * Installed only when tracing is on; otherwise these functions are never called and the drivers' own
 * methods run untouched.
 */
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';
import type { Tracing } from '../tracing/tracing.js';

type AnyQuery = (...args: unknown[]) => unknown;

/** The SQL of a query's first argument: a string or a `{ text }` config; null for a cursor or stream. */
function statementText(first: unknown): string | null {
  if (typeof first === 'string') return first;
  if (!first || typeof first !== 'object') return null;
  const config = first as { text?: unknown; submit?: unknown };
  return typeof config.text === 'string' && typeof config.submit !== 'function' ? config.text : null;
}

/** `query` with a span around each call, whichever way it reports back (promise or callback). */
function tracedQuery(query: AnyQuery, tracing: Tracing): AnyQuery {
  return function traced(this: unknown, ...args: unknown[]): unknown {
    const text = statementText(args[0]);
    const span = text === null ? null : tracing.startQuery(text);
    if (!span) return query.apply(this, args);
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: unknown, ...rest: unknown[]) => {
        span.end(error ?? undefined);
        return (callback as AnyQuery)(error, ...rest);
      };
      return query.apply(this, args);
    }
    let result: unknown;
    try {
      result = query.apply(this, args);
    } catch (error) {
      span.end(error);
      throw error;
    }
    if (result instanceof Promise) {
      result.then(
        () => span.end(),
        (error: unknown) => span.end(error),
      );
    } else {
      span.end();
    }
    return result;
  };
}

/** Traces the pool's own `query` (Drizzle's statements outside a transaction). */
export function tracePoolQueries(pool: pg.Pool, tracing: Tracing): void {
  pool.query = tracedQuery(pool.query.bind(pool) as AnyQuery, tracing) as typeof pool.query;
}

/**
 * Traces a client checked out of the pool (a transaction's statements) until it is released; returns
 * the function that puts its `query` back. Only for the time it is checked out: the pool's own `query`
 * runs on the same clients, and its statements are already traced there.
 */
export function traceCheckedOutClient(client: pg.PoolClient, tracing: Tracing): () => void {
  const own = Object.hasOwn(client, 'query');
  const original = client.query;
  client.query = tracedQuery(original.bind(client) as AnyQuery, tracing) as typeof client.query;
  return () => {
    if (own) client.query = original;
    else delete (client as { query?: unknown }).query;
  };
}

function traceQueryAndExec(target: PGlite | Transaction, tracing: Tracing): void {
  target.query = tracedQuery(target.query.bind(target) as AnyQuery, tracing) as typeof target.query;
  target.exec = tracedQuery(target.exec.bind(target) as AnyQuery, tracing) as typeof target.exec;
}

/** Traces the embedded database's statements, inside transactions too. */
export function tracePgliteQueries(client: PGlite, tracing: Tracing): void {
  traceQueryAndExec(client, tracing);
  const transaction = client.transaction.bind(client);
  client.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) =>
    transaction((tx: Transaction) => {
      traceQueryAndExec(tx, tracing);
      return callback(tx);
    })) as typeof client.transaction;
}
