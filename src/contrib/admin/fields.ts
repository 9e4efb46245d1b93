/**
 * What the admin knows about a table's columns, read from the Drizzle schema (Django's model _meta):
 * the form widget, the parser and the filter of each column follow from its {@link FieldKind}.
 */
import { Column, getTableName, is, type Table } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { isUrlColumn } from '../../db/url-field.js';
import { storedFileKindOf } from '../media/fields.js';

export type FieldKind =
  | 'text'
  | 'longText'
  | 'integer'
  | 'numeric'
  | 'boolean'
  | 'date'
  | 'dateTime'
  | 'choice'
  | 'foreignKey'
  | 'json'
  | 'file'
  | 'image';

/** One column as the admin sees it. */
export interface AdminField {
  /** The property name in Drizzle rows, e.g. `publishedAt`; also the form field name. */
  key: string;
  /** The SQL column name, e.g. `published_at`. */
  sqlName: string;
  /** Human label, e.g. `Published at`. */
  label: string;
  kind: FieldKind;
  column: PgColumn;
  primaryKey: boolean;
  /** NOT NULL in the database. */
  notNull: boolean;
  /** The database (or Drizzle) fills it when the form leaves it out. */
  hasDefault: boolean;
  /** varchar(n) length. */
  maxLength?: number;
  /** A text field that must hold an http(s) URL (a column made with `urlField`). */
  url?: boolean;
  /** numeric(precision, scale). */
  precision?: number;
  scale?: number;
  /** Allowed values for `choice` (enum columns, or `choices` given at registration): [value, label]. */
  choices?: readonly (readonly [string, string])[];
  /** For `foreignKey`: the table and column it points at, and what deleting the target does. */
  references?: { table: PgTable; column: PgColumn; onDelete: ForeignKeyAction };
  /** Names of unique constraints/indexes on this column alone (to turn 23505 into a field error). */
  uniqueConstraints: string[];
}

export type ForeignKeyAction = 'cascade' | 'restrict' | 'no action' | 'set null' | 'set default';

/** `publishedAt` → `Published at`. */
export function labelOf(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The table's SQL name. */
export function tableNameOf(table: Table): string {
  return getTableName(table);
}

/** Long free text gets a textarea; short text (varchar) an input. */
function kindOf(column: PgColumn): FieldKind {
  switch (column.columnType) {
    case 'PgVarchar':
    case 'PgChar':
    case 'PgUUID':
      return 'text';
    case 'PgText':
      return 'longText';
    case 'PgInteger':
    case 'PgSmallInt':
    case 'PgSerial':
    case 'PgSmallSerial':
    case 'PgBigInt53':
    case 'PgBigSerial53':
      return 'integer';
    case 'PgNumeric':
    case 'PgReal':
    case 'PgDoublePrecision':
      return 'numeric';
    case 'PgBoolean':
      return 'boolean';
    case 'PgDate':
    case 'PgDateString':
      return 'date';
    case 'PgTimestamp':
    case 'PgTimestampString':
      return 'dateTime';
    case 'PgEnumColumn':
      return 'choice';
    case 'PgJsonb':
    case 'PgJson':
      return storedFileKindOf(column) ?? 'json';
    default:
      return 'text';
  }
}

/**
 * The one column an index expression such as `lower(username)` is built on (its duplicates belong to
 * that field), or undefined when it uses none or several.
 */
function onlyColumnIn(expression: unknown): string | undefined {
  const chunks = (expression as { queryChunks?: unknown[] }).queryChunks ?? [];
  const columns = chunks.filter((chunk): chunk is Column => is(chunk, Column));
  return columns.length === 1 ? columns[0]?.name : undefined;
}

/** Every column of a table, in schema order, keyed by property name. */
export function fieldsOf(table: PgTable): AdminField[] {
  const config = getTableConfig(table);
  const keyOf = new Map<PgColumn, string>();
  for (const [key, column] of Object.entries(table as unknown as Record<string, unknown>)) {
    if (config.columns.includes(column as PgColumn)) keyOf.set(column as PgColumn, key);
  }
  const references = new Map<string, AdminField['references']>();
  for (const foreignKey of config.foreignKeys) {
    const reference = foreignKey.reference();
    const [local] = reference.columns;
    const [target] = reference.foreignColumns;
    if (reference.columns.length !== 1 || !local || !target) continue;
    references.set(local.name, {
      table: reference.foreignTable,
      column: target,
      onDelete: (foreignKey.onDelete ?? 'no action') as ForeignKeyAction,
    });
  }
  const uniques = new Map<string, string[]>();
  const addUnique = (columnName: string, constraint: string) =>
    uniques.set(columnName, [...(uniques.get(columnName) ?? []), constraint]);
  for (const unique of config.uniqueConstraints) {
    const [only] = unique.columns;
    const name = unique.getName();
    if (unique.columns.length === 1 && only && name) addUnique(only.name, name);
  }
  for (const index of config.indexes) {
    const [only] = index.config.columns;
    if (index.config.unique && index.config.columns.length === 1 && only && index.config.name) {
      const name = is(only, Column) ? only.name : onlyColumnIn(only);
      if (name) addUnique(name, index.config.name);
    }
  }
  return config.columns.map((column) => {
    const key = keyOf.get(column) ?? column.name;
    const reference = references.get(column.name);
    const meta = column as unknown as { length?: number; precision?: number; scale?: number };
    const unique = [...(uniques.get(column.name) ?? [])];
    if (column.isUnique && column.uniqueName) unique.push(column.uniqueName);
    return {
      key,
      sqlName: column.name,
      label: labelOf(key.endsWith('Id') && reference ? key.slice(0, -2) : key),
      kind: reference ? 'foreignKey' : kindOf(column),
      column,
      primaryKey: column.primary,
      notNull: column.notNull,
      hasDefault: column.hasDefault,
      maxLength: column.columnType === 'PgVarchar' ? meta.length : undefined,
      url: isUrlColumn(column) || undefined,
      precision: meta.precision,
      scale: meta.scale,
      choices: column.enumValues?.map((value) => [value, labelOf(value)] as const),
      references: reference,
      uniqueConstraints: unique,
    };
  });
}

/** The single-column primary key of a table; the admin needs one to address rows. */
export function primaryKeyOf(fields: readonly AdminField[]): AdminField | undefined {
  const keys = fields.filter((field) => field.primaryKey);
  return keys.length === 1 ? keys[0] : undefined;
}
