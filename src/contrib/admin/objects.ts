/** Reading one registered object by the id in its URL. */
import { eq } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../db/client.js';
import { NotFoundError } from '../../errors.js';
import { keyValueOf } from './changelist/filters.js';
import type { AdminField } from './fields.js';
import type { ModelAdmin } from './site.js';

export type Row = Record<string, unknown>;

/** The typed value of an id from a URL; throws 404 when it cannot be one (`/post/abc/change/`). */
export function parseObjectId(primaryKey: AdminField, text: string): string | number {
  // The same reading as the change list's filters: within the column type's range, never a query error.
  const value = text.length <= 255 ? keyValueOf(primaryKey.column, text) : undefined;
  if (value === undefined) throw new NotFoundError(`"${text.slice(0, 40)}" is not an id`);
  return value;
}

/** The row, or a 404. `forUpdate` locks it until the transaction ends. */
export async function loadObject(
  db: Db | Tx,
  model: ModelAdmin,
  idText: string,
  options: { forUpdate?: boolean } = {},
): Promise<Row> {
  const id = parseObjectId(model.primaryKey, idText);
  const query = db
    .select()
    .from(model.table as PgTable)
    .where(eq(model.primaryKey.column, id))
    .limit(1);
  const rows = (await (options.forUpdate ? query.for('update') : query)) as Row[];
  const row = rows[0];
  if (!row) throw new NotFoundError(`${model.app}.${model.model} ${idText} does not exist`);
  return row;
}

/** The object's URL segment. */
export function objectIdOf(model: ModelAdmin, row: Row): string {
  return String(row[model.primaryKey.key]);
}
