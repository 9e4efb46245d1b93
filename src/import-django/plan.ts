/**
 * What an import would do to one table, worked out before anything is written: each Django row is
 * matched to a Keen row by its natural key (a username, a group's name, a slug), then inserted, updated
 * or left alone. Keen rows that match no Django row are "extra": a database that has them was not
 * filled by this import alone, and the import refuses it unless `--merge`.
 */
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import type { DjangoSource } from './source.js';

export interface TablePlan<S, T> {
  table: string;
  /** Every Django row read. */
  source: readonly S[];
  /** Django id → Keen id, for the rows that already have a Keen counterpart. */
  matchedIds: Map<number, number>;
  inserts: S[];
  updates: { from: S; to: T }[];
  unchanged: number;
  /** Keen rows no Django row matches (kept as they are). */
  extra: T[];
  /** Django rows left out, each with the reason. */
  skipped: string[];
}

/** Matches `source` rows to `target` rows by `key`, and sorts them into the plan's lists. */
export function planTable<S extends { id: number }, T extends { id: number }>(
  table: string,
  source: readonly S[],
  target: readonly T[],
  keys: { source: (row: S) => string; target: (row: T) => string },
  same: (from: S, to: T) => boolean,
): TablePlan<S, T> {
  const byKey = new Map(target.map((row) => [keys.target(row), row]));
  const plan: TablePlan<S, T> = {
    table,
    source,
    matchedIds: new Map(),
    inserts: [],
    updates: [],
    unchanged: 0,
    extra: [],
    skipped: [],
  };
  const matched = new Set<T>();
  for (const row of source) {
    const existing = byKey.get(keys.source(row));
    if (!existing) plan.inserts.push(row);
    else {
      matched.add(existing);
      plan.matchedIds.set(row.id, existing.id);
      if (same(row, existing)) plan.unchanged += 1;
      else plan.updates.push({ from: row, to: existing });
    }
  }
  plan.extra = target.filter((row) => !matched.has(row));
  return plan;
}

/** One line per table for the report: read, to insert, to update, unchanged, skipped, extra. */
export interface TableCounts {
  table: string;
  read: number;
  insert: number;
  update: number;
  unchanged: number;
  skipped: number;
  extra: number;
}

export function countsOf(plan: {
  table: string;
  source: readonly unknown[];
  inserts: readonly unknown[];
  updates: readonly unknown[];
  unchanged: number;
  skipped: readonly string[];
  extra: readonly unknown[];
}): TableCounts {
  return {
    table: plan.table,
    read: plan.source.length,
    insert: plan.inserts.length,
    update: plan.updates.length,
    unchanged: plan.unchanged,
    skipped: plan.skipped.length,
    extra: plan.extra.length,
  };
}

/** A Django link row between two ids (user–group, post–tag, …). */
export interface Link {
  a: number;
  b: number;
}

/** Links to write: those whose Keen pair does not exist yet (or whose rows are still to be inserted). */
export interface LinkPlan {
  table: string;
  read: number;
  add: Link[];
  unchanged: number;
  skipped: string[];
}

/**
 * Plans link rows: `aIds` and `bIds` map Django ids to Keen ids where the row exists in Keen already;
 * `existing` holds the Keen pairs as `a|b`. `skip` names a reason to leave a link out, or null.
 */
export function planLinks(
  table: string,
  links: readonly Link[],
  aIds: ReadonlyMap<number, number>,
  bIds: ReadonlyMap<number, number>,
  existing: ReadonlySet<string>,
  skip: (link: Link) => string | null = () => null,
): LinkPlan {
  const plan: LinkPlan = { table, read: links.length, add: [], unchanged: 0, skipped: [] };
  for (const link of links) {
    const reason = skip(link);
    if (reason) {
      plan.skipped.push(reason);
      continue;
    }
    const a = aIds.get(link.a);
    const b = bIds.get(link.b);
    if (a !== undefined && b !== undefined && existing.has(`${a}|${b}`)) plan.unchanged += 1;
    else plan.add.push(link);
  }
  return plan;
}

export function linkCounts(plan: LinkPlan): TableCounts {
  return {
    table: plan.table,
    read: plan.read,
    insert: plan.add.length,
    update: 0,
    unchanged: plan.unchanged,
    skipped: plan.skipped.length,
    extra: 0,
  };
}

/** Django id → Keen id for every row of a plan once it is written, found by the plan's key. */
export function idsAfterWrite<S extends { id: number }, T extends { id: number }>(
  source: readonly S[],
  target: readonly T[],
  keys: { source: (row: S) => string; target: (row: T) => string },
): Map<number, number> {
  const byKey = new Map(target.map((row) => [keys.target(row), row.id]));
  const ids = new Map<number, number>();
  for (const row of source) {
    const id = byKey.get(keys.source(row));
    if (id !== undefined) ids.set(row.id, id);
  }
  return ids;
}

/**
 * Plans a link table that has the same name and columns in both databases (`auth_user_groups`,
 * `blog_post_tags`, …): Django's pairs against Keen's, through the two sides' id maps.
 */
export async function planLinkTable(
  source: DjangoSource,
  db: Db,
  table: string,
  [a, b]: readonly [string, string],
  ids: readonly [ReadonlyMap<number, number>, ReadonlyMap<number, number>],
  skip?: (link: Link) => string | null,
): Promise<LinkPlan> {
  const query = `SELECT ${a}::int AS a, ${b}::int AS b FROM ${table}`;
  const existing = await queryRows<Link>(db, sql.raw(query));
  return planLinks(
    table,
    await source.rows<Link>(query),
    ids[0],
    ids[1],
    new Set(existing.map((link) => `${link.a}|${link.b}`)),
    skip,
  );
}
