/**
 * Row counts that stay fast on big tables. `SELECT count(*)` reads every row, which takes seconds on
 * millions of them (django/django#36497, PostHog's admin). So the change list counts like this:
 * - a whole table: PostgreSQL's own estimate from pg_class, when it is big enough to matter;
 * - a filtered or searched list, or a small table: an exact count that stops at a cap ("more than 10,000");
 * - `?_count=exact`: every row, however long it takes.
 */
import { getTableName, type SQL, sql } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { type Db, queryRows, type Tx } from '../../../db/client.js';

/** A number of rows; `exact: false` means "about" (an estimate) or "more than" (a capped count). */
export interface RowCount {
  value: number;
  exact: boolean;
}

/** Below this estimate a whole table is counted (capped) instead. */
export const ESTIMATE_THRESHOLD = 10_000;
/** A capped count stops here and says "more than". */
export const COUNT_CAP = 10_000;

export interface CountOptions {
  /** Count every row, never estimate or cap. */
  exact?: boolean;
  estimateThreshold?: number;
  cap?: number;
}

/** The table's name as `to_regclass` reads it: quoted, with its schema when it has one. */
function regclassName(table: PgTable): string {
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const { schema } = getTableConfig(table);
  return schema ? `${quote(schema)}.${quote(getTableName(table))}` : quote(getTableName(table));
}

/**
 * PostgreSQL's estimate of the table's rows: the row density ANALYZE (or VACUUM, or autovacuum) last
 * saw, times the table's current size in pages, as the planner computes it. Undefined when the table
 * has never been analysed.
 */
export async function estimateRows(db: Db | Tx, table: PgTable): Promise<number | undefined> {
  const [row] = await queryRows<{
    tuples: number | string;
    pages: number | string;
    current_pages: number | string;
  }>(
    db,
    sql`SELECT c.reltuples::float8 AS tuples, c.relpages AS pages,
          (pg_relation_size(c.oid) / current_setting('block_size')::int)::float8 AS current_pages
        FROM pg_class c WHERE c.oid = to_regclass(${regclassName(table)})`,
  );
  if (!row) return undefined;
  const tuples = Number(row.tuples);
  const pages = Number(row.pages);
  if (tuples < 0) return undefined; // -1: never analysed (PostgreSQL 14+)
  if (pages <= 0) return tuples;
  return Math.round((tuples / pages) * Number(row.current_pages));
}

/** Every matching row, counted. */
export async function exactCount(db: Db | Tx, table: PgTable, where: SQL | undefined): Promise<number> {
  const [row] = await queryRows<{ count: number | string | bigint }>(
    db,
    sql`SELECT count(*) AS count FROM ${table}${where ? sql` WHERE ${where}` : sql``}`,
  );
  return Number(row?.count ?? 0);
}

/** Matching rows counted up to `cap`; past it, `{ value: cap, exact: false }`. */
export async function cappedCount(
  db: Db | Tx,
  table: PgTable,
  where: SQL | undefined,
  cap: number = COUNT_CAP,
): Promise<RowCount> {
  const [row] = await queryRows<{ count: number | string | bigint }>(
    db,
    sql`SELECT count(*) AS count FROM (SELECT 1 FROM ${table}${where ? sql` WHERE ${where}` : sql``} LIMIT ${cap + 1}) AS capped`,
  );
  const value = Number(row?.count ?? 0);
  return value > cap ? { value: cap, exact: false } : { value, exact: true };
}

/**
 * The rows matching `where` (all rows when undefined), as exactly as is cheap: the estimate for a big
 * whole table, else a capped count. A small or never-analysed table gets a capped count too, so a stale
 * or missing estimate can never make the page slow.
 */
export async function countRows(
  db: Db | Tx,
  table: PgTable,
  where: SQL | undefined,
  options: CountOptions = {},
): Promise<RowCount> {
  if (options.exact) return { value: await exactCount(db, table, where), exact: true };
  const cap = options.cap ?? COUNT_CAP;
  if (!where) {
    const estimate = await estimateRows(db, table);
    if (estimate !== undefined && estimate >= (options.estimateThreshold ?? ESTIMATE_THRESHOLD)) {
      return { value: estimate, exact: false };
    }
  }
  return cappedCount(db, table, where, cap);
}
