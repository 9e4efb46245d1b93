/**
 * Writing a change form: the row, its many-to-many links, its inline children and the admin log, in one
 * transaction. A change form carries the version (a hash) of the row it was rendered from; the save
 * re-reads the row under FOR UPDATE and refuses to write over a version it was not based on, so two
 * editors never silently overwrite each other (no lost update).
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from '../../db/client.js';
import type { Stores } from '../../stores/index.js';
import type { StoredFile } from '../media/fields.js';
import { logActions } from './history.js';
import { loadObject, objectIdOf, type Row } from './objects.js';
import type { ModelAdmin } from './site.js';
import type { Submission } from './submission.js';

/** A stable hash of a row's values as loaded (dates as ISO strings, keys in schema order). */
export function versionOf(model: ModelAdmin, row: Row): string {
  const values = model.fields.map((field) => {
    const value = row[field.key];
    return value instanceof Date ? value.toISOString() : (value ?? null);
  });
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 32);
}

/** Thrown inside the transaction when the row changed since the form was rendered. */
export class StaleVersion extends Error {
  constructor(readonly current: Row) {
    super('stale version');
  }
}

export interface SaveResult {
  row: Row;
  /** Labels of the fields whose value changed (for the log and the message). */
  changedFields: string[];
  /** Files no row points at any more once the transaction commits (replaced or cleared). */
  replacedFiles: StoredFile[];
}

/**
 * The stored value and a new one are the same: dates by instant, the rest by their JSON with object keys
 * sorted (jsonb gives an object's keys back in an order of its own).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  const sorted = (_key: string, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : 1)))
      : value;
  const normal = (value: unknown) =>
    value instanceof Date ? value.toISOString() : JSON.stringify(value ?? null, sorted);
  return normal(a) === normal(b);
}

/**
 * Inserts (existingId null) or updates the object with the submission's values (plus stored files in
 * `files`), then its links, children and the log row. Throws {@link StaleVersion} on a stale edit and
 * lets database errors through (the caller turns them into form errors).
 */
export async function saveObject(
  tx: Tx,
  model: ModelAdmin,
  submission: Submission,
  files: Record<string, StoredFile | null>,
  existingId: string | null,
  user: { id: number; username: string },
  language: string,
  stores: Stores,
): Promise<SaveResult> {
  const beforeSave = model.options.beforeSave as
    | ((
        tx: Tx,
        values: Row,
        existing: Row | null,
        context: { language: string; user: typeof user },
      ) => unknown)
    | undefined;
  const table = model.table as PgTable;
  // `undefined` means "leave the column as it is" (an empty field whose column has a default).
  const values: Row = Object.fromEntries(
    Object.entries({ ...submission.values, ...files }).filter(([, value]) => value !== undefined),
  );
  let row: Row;
  let previous: Row | null = null;
  const changedFields: string[] = [];
  const replacedFiles: StoredFile[] = [];
  // The history names what the editor changed, not what beforeSave derived from it.
  const formKeys = new Set(Object.keys(values));
  if (existingId === null) {
    await beforeSave?.(tx, values, null, { language, user });
    const inserted = (await tx
      .insert(table)
      .values(values as never)
      .returning()) as Row[];
    row = inserted[0] as Row;
  } else {
    const current = await loadObject(tx, model, existingId, { forUpdate: true });
    if (versionOf(model, current) !== submission.version) throw new StaleVersion(current);
    previous = current;
    await beforeSave?.(tx, values, current, { language, user });
    for (const [key, value] of Object.entries(values)) {
      if (!sameValue(current[key], value)) {
        // Keys, not labels: the history page names them in the reader's language.
        if (formKeys.has(key)) changedFields.push(key);
        const field = model.field(key);
        const old = current[key] as StoredFile | null;
        if ((field?.kind === 'file' || field?.kind === 'image') && old) replacedFiles.push(old);
      }
    }
    if (Object.keys(values).length > 0) {
      const updated = (await tx
        .update(table)
        .set(values as never)
        .where(eq(model.primaryKey.column, current[model.primaryKey.key] as never))
        .returning()) as Row[];
      row = updated[0] as Row;
    } else {
      row = current;
    }
  }
  const objectId = row[model.primaryKey.key];
  await model.options.afterSave?.(tx, row as never, previous as never, { stores });

  const relationChanges = await saveManyToMany(tx, model, submission, objectId, existingId !== null);
  changedFields.push(...relationChanges);
  const inlineChanges = await saveInlines(tx, submission, objectId);

  await logActions(tx, [
    {
      user,
      app: model.app,
      model: model.model,
      objectId: objectIdOf(model, row),
      objectRepr: model.describe(row),
      action: existingId === null ? 'add' : 'change',
      changes: existingId === null ? {} : { fields: changedFields, ...inlineChanges },
    },
  ]);
  return { row, changedFields, replacedFiles };
}

/** Replaces the link rows of each many-to-many field; returns the names of the relations that changed. */
async function saveManyToMany(
  tx: Tx,
  model: ModelAdmin,
  submission: Submission,
  objectId: unknown,
  existed: boolean,
): Promise<string[]> {
  const changed: string[] = [];
  for (const relation of model.manyToMany) {
    const wanted = (submission.manyToMany.get(relation.options.name) ?? []).map(Number);
    const { through, sourceColumn, targetColumn } = relation.options;
    const bySource = eq(sourceColumn, objectId as never);
    const before = existed
      ? ((await tx.select({ id: targetColumn }).from(through).where(bySource)) as { id: number }[]).map(
          (link) => link.id,
        )
      : [];
    const removed = before.filter((id) => !wanted.includes(id));
    const added = wanted.filter((id) => !before.includes(id));
    if (removed.length > 0) {
      await tx.delete(through).where(and(bySource, inArray(targetColumn, removed)));
    }
    if (added.length > 0) {
      const { sourceKey, targetKey } = relation;
      await tx
        .insert(through)
        .values(added.map((id) => ({ [sourceKey]: objectId, [targetKey]: id })) as never);
    }
    if (removed.length > 0 || added.length > 0) changed.push(relation.options.name);
  }
  return changed;
}

/** Adds, changes and deletes inline children; only children of this parent are touched. */
async function saveInlines(
  tx: Tx,
  submission: Submission,
  objectId: unknown,
): Promise<{ added?: string[]; changed?: string[]; deleted?: string[] }> {
  const added: string[] = [];
  const changed: string[] = [];
  const deleted: string[] = [];
  for (const [inline, rows] of submission.inlines) {
    const table = inline.table as PgTable;
    const ofParent = eq(inline.foreignKey.column, objectId as never);
    const kind = inline.model;
    const byId = (id: string) =>
      and(
        ofParent,
        eq(inline.primaryKey.column, (inline.primaryKey.kind === 'integer' ? Number(id) : id) as never),
      );
    const toDelete = rows.filter((row) => row.delete && row.id).map((row) => row.id as string);
    if (toDelete.length > 0) {
      const ids = toDelete.map((id) => (inline.primaryKey.kind === 'integer' ? Number(id) : id));
      const gone = await tx
        .delete(table)
        .where(and(ofParent, inArray(inline.primaryKey.column, ids as never[])))
        .returning();
      for (let i = 0; i < gone.length; i++) deleted.push(kind);
    }
    // Ids not posted are left alone: a child added meanwhile by someone else is kept.
    const existing = new Map(
      ((await tx.select().from(table).where(ofParent)) as Row[]).map((child) => [
        String(child[inline.primaryKey.key]),
        child,
      ]),
    );
    const withDerived = async (values: Record<string, unknown>) => ({
      ...values,
      ...(await inline.options.derive?.(values)),
    });
    for (const row of rows) {
      if (row.delete) continue;
      if (row.id) {
        const current = existing.get(row.id);
        // Another parent's child, or one deleted meanwhile: not ours to write.
        if (!current) continue;
        if (
          Object.entries(row.values).every(
            ([key, value]) => value === undefined || sameValue(current[key], value),
          )
        )
          continue;
        await tx
          .update(table)
          .set((await withDerived(row.values)) as never)
          .where(byId(row.id));
        changed.push(kind);
      } else {
        await tx
          .insert(table)
          .values({ ...(await withDerived(row.values)), [inline.foreignKey.key]: objectId } as never);
        added.push(kind);
      }
    }
  }
  return {
    ...(added.length ? { added } : {}),
    ...(changed.length ? { changed } : {}),
    ...(deleted.length ? { deleted } : {}),
  };
}
