/**
 * Watching every SQL statement (a span per statement for tracing, its duration for the metrics), at
 * Keen's own client (./client.ts) rather than by patching modules on load: the pg pool's `query` and
 * the `query` of a client checked out for a transaction; PGlite's `query`, `exec` and the same two on
 * its transactions. Observers get the statement's text only. Drizzle and pg-boss send values apart
 * from it ($1, $2…), so no value a visitor typed ends up in a trace.
 *
 * Installed on the first observer; with none (tracing and metrics off) the drivers' own methods run
 * untouched.
 */
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';

type AnyQuery = (...args: unknown[]) => unknown;

/** One statement being watched; ended when it answers or fails. */
export interface QueryWatch {
  end(error?: unknown): void;
}

/** Told of each statement: tracing (a span), the metrics (its duration). Null: not interested in this one. */
export interface QueryObserver {
  startQuery(text: string): QueryWatch | null;
}

/** The observers of one database, told in turn; observers come and go (an app with metrics closes). */
export class QueryObservers implements QueryObserver {
  readonly #all = new Set<QueryObserver>();

  add(observer: QueryObserver): () => void {
    this.#all.add(observer);
    return () => this.#all.delete(observer);
  }

  startQuery(text: string): QueryWatch | null {
    const watches: QueryWatch[] = [];
    for (const observer of this.#all) {
      const watch = observer.startQuery(text);
      if (watch) watches.push(watch);
    }
    if (watches.length <= 1) return watches[0] ?? null;
    return {
      end: (error?: unknown) => {
        for (const watch of watches) watch.end(error);
      },
    };
  }
}

/** The SQL of a query's first argument: a string or a `{ text }` config; null for a cursor or stream. */
function statementText(first: unknown): string | null {
  if (typeof first === 'string') return first;
  if (!first || typeof first !== 'object') return null;
  const config = first as { text?: unknown; submit?: unknown };
  return typeof config.text === 'string' && typeof config.submit !== 'function' ? config.text : null;
}

/** `query` with a watch around each call, whichever way it reports back (promise or callback). */
function observedQuery(query: AnyQuery, observer: QueryObserver): AnyQuery {
  return function traced(this: unknown, ...args: unknown[]): unknown {
    const text = statementText(args[0]);
    const span = text === null ? null : observer.startQuery(text);
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

/** Observes the pool's own `query` (Drizzle's statements outside a transaction). */
export function observePoolQueries(pool: pg.Pool, observer: QueryObserver): void {
  pool.query = observedQuery(pool.query.bind(pool) as AnyQuery, observer) as typeof pool.query;
}

/**
 * Observes a client checked out of the pool (a transaction's statements) until it is released; returns
 * the function that puts its `query` back. Only for the time it is checked out: the pool's own `query`
 * runs on the same clients, and its statements are already observed there.
 */
export function observeCheckedOutClient(client: pg.PoolClient, observer: QueryObserver): () => void {
  const own = Object.hasOwn(client, 'query');
  const original = client.query;
  client.query = observedQuery(original.bind(client) as AnyQuery, observer) as typeof client.query;
  return () => {
    if (own) client.query = original;
    else delete (client as { query?: unknown }).query;
  };
}

function observeQueryAndExec(target: PGlite | Transaction, observer: QueryObserver): void {
  target.query = observedQuery(target.query.bind(target) as AnyQuery, observer) as typeof target.query;
  target.exec = observedQuery(target.exec.bind(target) as AnyQuery, observer) as typeof target.exec;
}

/** Observes the embedded database's statements, inside transactions too. */
export function observePgliteQueries(client: PGlite, observer: QueryObserver): void {
  observeQueryAndExec(client, observer);
  const transaction = client.transaction.bind(client);
  client.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) =>
    transaction((tx: Transaction) => {
      observeQueryAndExec(tx, observer);
      return callback(tx);
    })) as typeof client.transaction;
}
