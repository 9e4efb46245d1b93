/**
 * pg-boss talks to the database through Keen's own client: the same pool on PostgreSQL, the same
 * embedded PGlite in this process, and, for an enqueue, the caller's transaction, so a job is stored
 * with the data it follows or not at all (a rolled-back save enqueues nothing).
 *
 * pg-boss hands over numbered SQL (`$1`, `$2`…) with its values; here they become a Drizzle query with
 * bound parameters. Its schema migrations are several statements without parameters, which PGlite
 * only runs through `exec`.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Database, Db, Tx } from '../../db/client.js';

export interface JobDb {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/** `text` with `$n` markers and its values as one parameterised Drizzle query. */
export function numberedSql(text: string, values: readonly unknown[]): SQL {
  const parts: SQL[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    const index = Number(match[1]) - 1;
    if (index < 0 || index >= values.length) throw new Error(`no value for $${match[1]} in a job query`);
    // One parameter each, arrays included (a plain interpolation would spread an array into a list).
    parts.push(sql.raw(text.slice(last, match.index)), sql`${sql.param(values[index])}`);
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(sql.raw(text.slice(last)));
  return sql.join(parts, sql.raw(''));
}

function rowsOf(result: unknown): unknown[] {
  return (result as { rows?: unknown[] }).rows ?? [];
}

/** The executor for `target`: the database itself, or a transaction of it. */
export function jobDb(database: Database, target: Db | Tx = database.db): JobDb {
  return {
    async executeSql(text, values) {
      if ((!values || values.length === 0) && database.pglite && target === database.db) {
        const pglite = database.pglite;
        try {
          const results = await pglite.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        } catch (error) {
          // A script with its own BEGIN that fails halfway leaves PGlite's one session in an aborted
          // transaction, which would fail every later query of the site: end it. (On PostgreSQL the
          // pool drops a connection whose query failed.)
          await pglite.exec('ROLLBACK').catch(() => {});
          throw error;
        }
      }
      return { rows: rowsOf(await target.execute(numberedSql(text, values ?? []))) };
    },
  };
}
