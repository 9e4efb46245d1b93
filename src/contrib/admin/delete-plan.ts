/**
 * What deleting rows would take with it, and what stops it: the admin's delete confirmation (Django's
 * "Are you sure?" page, ADM-14/15). The foreign keys are read from the Drizzle schema, so the plan follows
 * the ON DELETE rules PostgreSQL itself will apply: `cascade` rows go too (and their own cascades, level
 * by level), `set null` / `set default` rows stay but lose their link, and `restrict` / `no action` rows
 * that would remain block the delete. The plan is for display only: {@link deleteRows} deletes the
 * selected rows and leaves the rest to the database, which stays the authority.
 *
 * Each query covers one foreign key for a whole level of rows (`fk = ANY($1)`, a single array
 * parameter), so a bulk delete of thousands of rows costs a few queries per foreign key, not per row.
 *
 * @example
 * const plan = await planDeletion(db, posts, selectedIds, {
 *   describe: (table, row) => site.modelFor(table)?.describe(row),
 * });
 * if (!plan.blocked) {
 *   const { files } = await atomic(db, (tx) => deleteRows(tx, posts, selectedIds));
 *   await Promise.all(files.map((file) => deleteStoredFile(media, file)));
 * }
 */
import { is, type SQL } from 'drizzle-orm';
import { type PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../db/client.js';
import * as schema from '../../db/schema.js';
import { AdminConfigError, ProtectedError } from '../../errors.js';
import type { StoredFile } from '../media/fields.js';
import { buildGraph, type TableNode } from './delete-graph.js';
import {
  acceptableKeys,
  compareTuples,
  keyMatching,
  keyOf,
  matching,
  tupleOf,
  valueText,
} from './delete-keys.js';

/** One row, as the confirmation page shows it. */
export interface RowRef {
  /** The primary key as text; for a composite key, a JSON array of its parts as text. */
  id: string;
  label: string;
}

/** What a delete does to one table: how many rows, and the first `maxListed` of them. */
export interface TableEffect {
  table: PgTable;
  tableName: string;
  count: number;
  rows: RowRef[];
}

export interface DeletionPlan {
  /** The selected rows that exist (ids that match nothing are left out). */
  targets: RowRef[];
  /** Rows deleted along with them, by table. */
  cascades: TableEffect[];
  /** Rows that stay but lose their link (`set null` or `set default`). */
  setNull: TableEffect[];
  /** Rows that still reference a deleted row when PostgreSQL checks: the delete would fail. */
  blockers: TableEffect[];
  blocked: boolean;
  /**
   * False when the cascades were followed `maxDepth` levels down and the last level was not empty: rows
   * deeper than that (if any) are not counted.
   */
  complete: boolean;
}

/** A display name for a row (property-keyed, as Drizzle returns it); undefined falls back to `<table> #<pk>`. */
export type DescribeRow = (table: PgTable, row: Record<string, unknown>) => string | undefined;

export interface GraphOptions {
  /** Every table of the schema: only foreign keys of these tables are followed. Default: all of src/db/schema.ts. */
  tables?: readonly PgTable[];
  /** How many levels of cascades to follow (default 50); a bound on the number of queries. */
  maxDepth?: number;
}

export interface PlanOptions extends GraphOptions {
  describe?: DescribeRow;
  /** Rows listed per table (default 100); counts stay exact. The targets are always all listed. */
  maxListed?: number;
}

export interface DeletedRows {
  /** Selected rows deleted (cascaded rows not included). */
  count: number;
  /** File and image values of the deleted rows, cascaded ones included: delete them after the commit. */
  files: StoredFile[];
}

const DEFAULT_MAX_LISTED = 100;
const DEFAULT_MAX_DEPTH = 50;

/** Every table that src/db/schema.ts exports. */
export function schemaTables(): PgTable[] {
  return (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));
}

/**
 * Lists what deleting the rows `ids` of `table` would delete, unlink and run into. Read-only; run it in
 * the delete's own transaction to see exactly what that transaction will see.
 */
export async function planDeletion(
  db: Db | Tx,
  table: PgTable,
  ids: readonly (string | number)[],
  options: PlanOptions = {},
): Promise<DeletionPlan> {
  const nodeOf = buildGraph(options.tables ?? schemaTables(), table);
  const collected = await collectDeleted(db, nodeOf(table), ids, {
    lock: false,
    withFiles: false,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  });
  const { blockers, setNull } = await collectReferences(db, collected.deleted);
  const maxListed = options.maxListed ?? DEFAULT_MAX_LISTED;
  const describe = options.describe;
  const target = nodeOf(table);

  const effects = async (byTable: RowsByTable, skip?: (node: TableNode, key: string) => boolean) => {
    const list: TableEffect[] = [];
    for (const [node, rows] of byTable) {
      const kept = [...rows.values()].filter((row) => !skip?.(node, row.key));
      if (kept.length === 0) continue;
      list.push({
        table: node.table,
        tableName: node.name,
        count: kept.length,
        rows: await listRows(db, node, kept, maxListed, describe),
      });
    }
    return list;
  };
  const targetKeys = new Set(collected.targets.map((row) => row.key));
  const blockerEffects = await effects(blockers);
  return {
    targets: await listRows(db, target, collected.targets, Number.POSITIVE_INFINITY, describe),
    // A table that references itself (a tree) cascades into its own rows: those are not the selected ones.
    cascades: await effects(collected.deleted, (node, key) => node === target && targetKeys.has(key)),
    setNull: await effects(setNull),
    blockers: blockerEffects,
    blocked: blockerEffects.length > 0,
    complete: collected.complete,
  };
}

/**
 * Deletes the rows `ids` of `table` in `tx`; the database's ON DELETE rules do the rest. The rows that
 * will go are read first, locked (FOR UPDATE), so the returned files are those of exactly the rows
 * deleted: no new row can start referencing them before the commit. A row that still references one
 * (it appeared after the plan was shown) makes PostgreSQL refuse: that is a {@link ProtectedError}.
 */
export async function deleteRows(
  tx: Tx,
  table: PgTable,
  ids: readonly (string | number)[],
  options: GraphOptions = {},
): Promise<DeletedRows> {
  const nodeOf = buildGraph(options.tables ?? schemaTables(), table);
  const target = nodeOf(table);
  const collected = await collectDeleted(tx, target, ids, {
    lock: true,
    withFiles: true,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  });
  const files = new Map<string, StoredFile>();
  for (const [node, rows] of collected.deleted) {
    for (const column of node.fileColumns) {
      for (const row of rows.values()) {
        const value = row.values[column.name];
        if (isStoredFile(value)) files.set(value.name, value);
      }
    }
  }
  const [key] = target.identity;
  const keys = collected.targets.map((row) => row.values[key!.name]);
  if (keys.length === 0) return { count: 0, files: [] };
  try {
    const deleted = await tx
      .delete(table)
      .where(
        matching(
          [key!],
          keys.map((value) => [value]),
        ),
      )
      .returning({ key: key! });
    return { count: deleted.length, files: [...files.values()] };
  } catch (error) {
    const violation = foreignKeyViolation(error);
    if (violation) throw new ProtectedError(violation.message);
    throw error;
  }
}

// --- Reading the rows ------------------------------------------------------------------------------

interface TrackedRow {
  key: string;
  /** Values of the columns read, by SQL column name. */
  values: Record<string, unknown>;
  /**
   * The cascade level that deletes the row: 0 for the targets (the DELETE itself), n for rows deleted
   * by the ON DELETE triggers of level n − 1 rows.
   */
  depth: number;
}

type RowsByTable = Map<TableNode, Map<string, TrackedRow>>;

interface Collected {
  deleted: RowsByTable;
  targets: TrackedRow[];
  complete: boolean;
}

/** The selected rows and every row their cascades delete, level by level (breadth first, as PostgreSQL does). */
async function collectDeleted(
  db: Db | Tx,
  target: TableNode,
  ids: readonly (string | number)[],
  options: { lock: boolean; withFiles: boolean; maxDepth: number },
): Promise<Collected> {
  const [key, ...more] = target.identity;
  if (!key || more.length > 0) throw new AdminConfigError(`${target.name} has no single-column primary key`);
  const columnsOf = (node: TableNode) =>
    options.withFiles ? [...new Set([...node.tracked, ...node.fileColumns])] : node.tracked;
  const deleted: RowsByTable = new Map();
  const add = (node: TableNode, rows: Record<string, unknown>[], depth: number): TrackedRow[] => {
    const seen = deleted.get(node) ?? new Map<string, TrackedRow>();
    deleted.set(node, seen);
    const added: TrackedRow[] = [];
    for (const values of rows) {
      const row = { key: identityKey(node, values), values, depth };
      // The first level that reaches a row is the one that deletes it; this also stops cycles.
      if (seen.has(row.key)) continue;
      seen.set(row.key, row);
      added.push(row);
    }
    return added;
  };

  const valid = acceptableKeys(key, ids);
  const targets =
    valid.length === 0
      ? []
      : add(
          target,
          await readColumns(db, target, columnsOf(target), keyMatching(key, valid), options.lock),
          0,
        );
  let frontier = new Map<TableNode, TrackedRow[]>(targets.length > 0 ? [[target, targets]] : []);
  for (let depth = 1; frontier.size > 0 && depth <= options.maxDepth; depth++) {
    const next = new Map<TableNode, TrackedRow[]>();
    for (const [parent, rows] of frontier) {
      for (const edge of parent.incoming) {
        if (edge.action !== 'cascade') continue;
        const tuples = distinctTuples(rows, edge.parentColumns);
        if (tuples.size === 0) continue;
        const found = await readColumns(
          db,
          edge.child,
          columnsOf(edge.child),
          matching(edge.childColumns, [...tuples.values()], edge.parentColumns),
          options.lock,
        );
        const added = add(edge.child, found, depth);
        if (added.length > 0) next.set(edge.child, [...(next.get(edge.child) ?? []), ...added]);
      }
    }
    frontier = next;
  }
  return { deleted, targets, complete: frontier.size === 0 };
}

/**
 * The rows that reference a deleted row without a cascade: `set null` / `set default` rows that stay
 * (they lose their link), and `restrict` / `no action` rows that block.
 *
 * PostgreSQL checks a `restrict` / `no action` key when the deleted row's triggers fire: one level
 * after the row is deleted (its AFTER triggers are queued behind those already pending, so the
 * cascades run breadth first). A referencing row that a cascade deletes by then does not block, one
 * deleted at least two levels later still exists at the check and does. One deleted on the very level
 * of the check depends on the order the triggers fire in (the constraints' creation order, which the
 * schema does not say); the plan counts it as not blocking, and deleteRows reports the database's
 * answer either way.
 */
async function collectReferences(
  db: Db | Tx,
  deleted: RowsByTable,
): Promise<{ blockers: RowsByTable; setNull: RowsByTable }> {
  const blockers: RowsByTable = new Map();
  const setNull: RowsByTable = new Map();
  const record = (into: RowsByTable, node: TableNode, row: TrackedRow) => {
    const rows = into.get(node) ?? new Map<string, TrackedRow>();
    into.set(node, rows);
    if (!rows.has(row.key)) rows.set(row.key, row);
  };
  for (const [parent, parentRows] of deleted) {
    for (const edge of parent.incoming) {
      if (edge.action === 'cascade') continue;
      const tuples = distinctTuples(parentRows.values(), edge.parentColumns);
      if (tuples.size === 0) continue;
      // The level each referenced key is deleted on, to compare with the referencing row's.
      const depthOf = new Map<string, number>();
      for (const row of parentRows.values()) {
        const tuple = tupleOf(row.values, edge.parentColumns);
        if (tuple) depthOf.set(keyOf(tuple), row.depth);
      }
      const child = edge.child;
      const columns = [...new Set([...child.identity, ...edge.childColumns])];
      const found = await readColumns(
        db,
        child,
        columns,
        matching(edge.childColumns, [...tuples.values()], edge.parentColumns),
        false,
      );
      const blocks = edge.action === 'restrict' || edge.action === 'no action' || edge.fails;
      for (const values of found) {
        const key = identityKey(child, values);
        const tuple = tupleOf(values, edge.childColumns);
        const parentDepth = tuple ? depthOf.get(keyOf(tuple)) : undefined;
        if (parentDepth === undefined) continue;
        const goes = deleted.get(child)?.get(key);
        const row = { key, values, depth: parentDepth };
        if (blocks) {
          if (!goes || goes.depth >= parentDepth + 2) record(blockers, child, row);
        } else if (!goes) {
          record(setNull, child, row);
        }
      }
    }
  }
  return { blockers, setNull };
}

/** The `columns` (keyed by SQL name) of the rows of `node` that match `where`. */
async function readColumns(
  db: Db | Tx,
  node: TableNode,
  columns: readonly PgColumn[],
  where: SQL,
  lock: boolean,
): Promise<Record<string, unknown>[]> {
  const fields = Object.fromEntries(columns.map((column) => [column.name, column]));
  const query = db.select(fields).from(node.table).where(where);
  return lock ? await query.for('update') : await query;
}

/** Labels for the first `limit` rows (in key order), from full rows read in one query. */
async function listRows(
  db: Db | Tx,
  node: TableNode,
  rows: readonly TrackedRow[],
  limit: number,
  describe: DescribeRow | undefined,
): Promise<RowRef[]> {
  const shown = [...rows]
    .sort((a, b) => compareTuples(identityTuple(node, a.values), identityTuple(node, b.values)))
    .slice(0, limit);
  if (shown.length === 0) return [];
  const full = new Map<string, Record<string, unknown>>();
  const everyColumnRead = [...node.propertyOf.keys()].every((column) => column.name in shown[0]!.values);
  if (everyColumnRead) {
    // A link table's rows are just their keys: nothing more to read.
    for (const row of shown) full.set(row.key, propertyRow(node, row.values));
  } else {
    const found = (await db
      .select()
      .from(node.table)
      .where(
        matching(
          node.identity,
          shown.map((row) => identityTuple(node, row.values)),
        ),
      )) as Record<string, unknown>[];
    for (const row of found) {
      const bySqlName = Object.fromEntries(
        [...node.propertyOf].map(([column, property]) => [column.name, row[property]]),
      );
      full.set(identityKey(node, bySqlName), row);
    }
  }
  return shown.map((row) => {
    const values = full.get(row.key);
    const label = values ? describe?.(node.table, values) : undefined;
    return { id: row.key, label: label || defaultLabel(node, row) };
  });
}

/** `blog_post #12`, or for a composite key `blog_post_tags: post 3 ↔ tag 7`. */
function defaultLabel(node: TableNode, row: TrackedRow): string {
  if (node.identity.length === 1) return `${node.name} #${row.key}`;
  const parts = node.identity.map(
    (column) => `${column.name.replace(/_id$/, '')} ${valueText(row.values[column.name])}`,
  );
  return `${node.name}: ${parts.join(' ↔ ')}`;
}

function propertyRow(node: TableNode, bySqlName: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    [...node.propertyOf].map(([column, property]) => [property, bySqlName[column.name]]),
  );
}

// --- Keys and conditions ---------------------------------------------------------------------------

function identityTuple(node: TableNode, values: Record<string, unknown>): unknown[] {
  return node.identity.map((column) => values[column.name]);
}

function identityKey(node: TableNode, values: Record<string, unknown>): string {
  return keyOf(identityTuple(node, values));
}

function distinctTuples(rows: Iterable<TrackedRow>, columns: readonly PgColumn[]): Map<string, unknown[]> {
  const tuples = new Map<string, unknown[]>();
  for (const row of rows) {
    const tuple = tupleOf(row.values, columns);
    if (tuple) tuples.set(keyOf(tuple), tuple);
  }
  return tuples;
}

function isStoredFile(value: unknown): value is StoredFile {
  return (
    value !== null && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string'
  );
}

/**
 * The error behind a query error, wherever the driver put it, when it is a foreign key's refusal:
 * foreign_key_violation (23503), or restrict_violation (23001), which newer PostgreSQL versions (and
 * PGlite) raise for ON DELETE RESTRICT.
 */
function foreignKeyViolation(error: unknown): Error | undefined {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (code === '23503' || code === '23001') return current;
  }
  return undefined;
}
