/**
 * Choices for foreign keys and many-to-many fields. A foreign key to a small table is a <select>; to a
 * table of more than {@link SELECT_LIMIT} rows it is an id box with a search (the autocomplete
 * endpoint), so a form never loads a huge table (a classic Django admin complaint).
 */
import { asc, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { keyValueOf } from './changelist/filters.js';
import { searchCondition } from './changelist/search.js';
import { type AdminField, fieldsOf, primaryKeyOf } from './fields.js';
import type { Row } from './objects.js';
import type { AdminSite } from './site.js';

export const SELECT_LIMIT = 100;
export const MULTI_SELECT_LIMIT = 1000;
export const AUTOCOMPLETE_PAGE = 20;

export interface Choice {
  value: string;
  label: string;
}

/** How a table's rows are named and searched when another table points at them. */
export function describerFor(site: AdminSite, table: PgTable) {
  const registered = site.forTable(table);
  const fields = registered?.fields ?? fieldsOf(table);
  const primaryKey = registered?.primaryKey ?? primaryKeyOf(fields);
  const firstText = fields.find((field) => field.kind === 'text');
  const searchFields: AdminField[] = registered?.searchFields.length
    ? registered.searchFields
    : firstText
      ? [firstText]
      : [];
  // The registered ordering when there is one (permissions by app and model), else by name.
  const ordering: SQL[] = registered
    ? registered.ordering.map((key) => (key.descending ? desc(key.field.column) : asc(key.field.column)))
    : [firstText?.column, primaryKey?.column]
        .filter((column): column is PgColumn => column !== undefined)
        .map((column) => asc(column));
  return {
    primaryKey,
    searchFields,
    ordering,
    label(row: Row): string {
      if (registered) return registered.describe(row);
      const text = firstText ? row[firstText.key] : undefined;
      return typeof text === 'string' && text ? text : `#${String(primaryKey ? row[primaryKey.key] : '?')}`;
    },
  };
}

/** Up to `limit` rows of `table` as choices; `more` is true when the table has more. */
export async function choicesOf(
  db: Db,
  site: AdminSite,
  table: PgTable,
  limit: number,
): Promise<{ choices: Choice[]; more: boolean }> {
  const describer = describerFor(site, table);
  if (!describer.primaryKey) return { choices: [], more: false };
  const rows = (await db
    .select()
    .from(table)
    .orderBy(...describer.ordering)
    .limit(limit + 1)) as Row[];
  const key = describer.primaryKey.key;
  return {
    choices: rows.slice(0, limit).map((row) => ({ value: String(row[key]), label: describer.label(row) })),
    more: rows.length > limit,
  };
}

/** Labels of the given ids (the selected value of an autocomplete box). */
export async function labelsOf(
  db: Db,
  site: AdminSite,
  table: PgTable,
  ids: readonly unknown[],
): Promise<Map<string, string>> {
  const describer = describerFor(site, table);
  const found = new Map<string, string>();
  if (!describer.primaryKey || ids.length === 0) return found;
  const rows = (await db
    .select()
    .from(table)
    .where(inArray(describer.primaryKey.column, ids as never[]))) as Row[];
  for (const row of rows) found.set(String(row[describer.primaryKey.key]), describer.label(row));
  return found;
}

/** One page of the autocomplete search (Django's AutocompleteJsonView): 20 rows, `more` for the next page. */
export async function searchChoices(
  db: Db,
  site: AdminSite,
  table: PgTable,
  term: string,
  page: number,
): Promise<{ results: Choice[]; more: boolean }> {
  const describer = describerFor(site, table);
  if (!describer.primaryKey) return { results: [], more: false };
  const trimmed = term.trim().slice(0, 200);
  // The change list's search for one term, or the row's id typed in full.
  const id =
    describer.primaryKey.kind === 'integer' ? keyValueOf(describer.primaryKey.column, trimmed) : undefined;
  const condition = trimmed
    ? or(
        searchCondition(describer.searchFields, [trimmed]),
        id === undefined ? undefined : eq(describer.primaryKey.column, id),
      )
    : undefined;
  let query = db.select().from(table).$dynamic();
  if (condition) query = query.where(condition);
  query = query.orderBy(...describer.ordering);
  const rows = (await query.limit(AUTOCOMPLETE_PAGE + 1).offset((page - 1) * AUTOCOMPLETE_PAGE)) as Row[];
  const key = describer.primaryKey.key;
  return {
    results: rows
      .slice(0, AUTOCOMPLETE_PAGE)
      .map((row) => ({ value: String(row[key]), label: describer.label(row) })),
    more: rows.length > AUTOCOMPLETE_PAGE,
  };
}
