/**
 * Keys and tuples of key values for the deletion plan's queries (./delete-plan.ts): comparable text
 * for a tuple, `columns = ANY(array)` conditions with one array parameter per column whatever the
 * number of rows, and the ids a key column can hold at all.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

export function valueText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A comparable key for a tuple of values (the same for a key read from either side of a foreign key). */
export function keyOf(tuple: readonly unknown[]): string {
  const texts = tuple.map(valueText);
  return texts.length === 1 ? texts[0]! : JSON.stringify(texts);
}

/** The values of `columns`, or undefined when one is null (such a foreign key points at nothing). */
export function tupleOf(
  values: Record<string, unknown>,
  columns: readonly PgColumn[],
): unknown[] | undefined {
  const tuple = columns.map((column) => values[column.name]);
  return tuple.some((value) => value === null || value === undefined) ? undefined : tuple;
}

export function compareTuples(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    const order =
      typeof x === 'number' && typeof y === 'number'
        ? x - y
        : valueText(x).localeCompare(valueText(y), 'en', { numeric: true });
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * `columns` equal to one of `tuples`, as one array parameter per column whatever the number of tuples.
 * The values were read through `valueColumns` (the other side of a foreign key), which turns them back
 * into what the driver takes.
 */
export function matching(
  columns: readonly PgColumn[],
  tuples: readonly (readonly unknown[])[],
  valueColumns: readonly PgColumn[] = columns,
): SQL {
  const arrays = columns.map((_, index) => {
    const valueColumn = valueColumns[index]!;
    return sql.param(tuples.map((tuple) => valueColumn.mapToDriverValue(tuple[index])));
  });
  if (columns.length === 1) return sql`${columns[0]} = ANY(${arrays[0]})`;
  // unnest() cannot infer its arrays' types, hence the casts.
  const typed = arrays.map((array, index) => sql`${array}::${sql.raw(arrayTypeOf(columns[index]!))}`);
  return sql`(${sql.join([...columns], sql`, `)}) IN (SELECT * FROM unnest(${sql.join(typed, sql`, `)}))`;
}

/** The primary key = any of `keys`, given as the caller gave them (text from a form, or numbers). */
export function keyMatching(column: PgColumn, keys: readonly (string | number)[]): SQL {
  return sql`${column} = ANY(${sql.param(keys)})`;
}

function arrayTypeOf(column: PgColumn): string {
  const type = column.getSQLType();
  const serials: Record<string, string> = { serial: 'integer', smallserial: 'smallint', bigserial: 'bigint' };
  if (column.columnType === 'PgEnumColumn') return `"${type.replaceAll('"', '""')}"[]`;
  return `${serials[type] ?? type}[]`;
}

const INTEGER_LIMITS: Record<string, bigint> = {
  PgSmallInt: 32_767n,
  PgSmallSerial: 32_767n,
  PgInteger: 2_147_483_647n,
  PgSerial: 2_147_483_647n,
  PgBigInt53: 9_223_372_036_854_775_807n,
  PgBigInt64: 9_223_372_036_854_775_807n,
  PgBigSerial53: 9_223_372_036_854_775_807n,
  PgBigSerial64: 9_223_372_036_854_775_807n,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The distinct ids that can be keys of `column`. Others (such as "abc" for an integer key, tampered
 * with in a form) match no row, and would make PostgreSQL reject the whole query.
 */
export function acceptableKeys(column: PgColumn, ids: readonly (string | number)[]): (string | number)[] {
  const limit = INTEGER_LIMITS[column.columnType];
  const accepted = new Map<string, string | number>();
  for (const id of ids) {
    const text = String(id).trim();
    if (limit !== undefined) {
      if (!/^-?\d{1,19}$/.test(text)) continue;
      const value = BigInt(text);
      if (value > limit || value < -limit - 1n) continue;
    } else if (column.columnType === 'PgUUID' && !UUID.test(text)) {
      continue;
    }
    accepted.set(text, limit !== undefined ? text : id);
  }
  return [...accepted.values()];
}
