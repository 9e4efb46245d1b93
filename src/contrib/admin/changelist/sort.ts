/**
 * Sorting by column headers (Django's `?o=`): dot-separated 1-based indices into the list columns,
 * `-` for descending, the first one the primary sort (`o=2.-1`). Without `o` the registration's
 * ordering applies. The primary key is always last, so the order is total and pages never overlap.
 */
import { asc, desc, type SQL } from 'drizzle-orm';
import type { AdminField } from '../fields.js';
import type { ListColumn, ModelAdmin, SortKey } from '../site.js';
import { ORDER_PARAM, type QueryLinks } from './params.js';

/** One sorted column: its 1-based index in the list columns. */
export interface SortedColumn {
  column: number;
  descending: boolean;
}

/** A sortable column's header: how it is sorted now and where its links go. */
export interface SortView {
  /** 1-based index into `model.listColumns`. */
  column: number;
  label: string;
  /** How the list is sorted by this column now, if it is. */
  direction: 'asc' | 'desc' | null;
  /** 1 for the primary sort, 2 for the next…; null when not sorted by it. */
  priority: number | null;
  /** The header link (Django's): this column first, flipped if it was sorted, else ascending. */
  primaryQuery: string;
  /** This column first, ascending (the other sorted columns kept after it). */
  ascQuery: string;
  /** This column first, descending. */
  descQuery: string;
  /** The direction of this column flipped, its priority kept; null when not sorted by it. */
  toggleQuery: string | null;
  /** The sort without this column; null when not sorted by it. */
  removeQuery: string | null;
}

/** The field a column sorts by: its own field (not JSON or files), or a computed column's `orderBy`. */
export function sortFieldOf(column: ListColumn): AdminField | undefined {
  if (column.type === 'computed') return column.orderBy;
  return ['json', 'file', 'image'].includes(column.field.kind) ? undefined : column.field;
}

/** Parses `o`; undefined when it is malformed or names a column that cannot be sorted. `''` is no column. */
export function parseOrderParam(value: string, model: ModelAdmin): SortedColumn[] | undefined {
  if (value === '') return [];
  const sorted: SortedColumn[] = [];
  for (const part of value.split('.')) {
    const match = /^(-?)([1-9]\d{0,3})$/.exec(part);
    if (!match) return undefined;
    const column = Number(match[2]);
    const listColumn = model.listColumns[column - 1];
    if (!listColumn || !sortFieldOf(listColumn)) return undefined;
    // A repeated column would sort twice by the same thing; the first mention decides.
    if (!sorted.some((entry) => entry.column === column))
      sorted.push({ column, descending: match[1] === '-' });
  }
  return sorted;
}

/** `2.-1`. */
export function formatOrderParam(sorted: readonly SortedColumn[]): string {
  return sorted.map((entry) => `${entry.descending ? '-' : ''}${entry.column}`).join('.');
}

/** The sort keys of sorted columns, with the primary key appended (descending, as Django's `-pk`). */
export function sortKeysOf(model: ModelAdmin, sorted: readonly SortedColumn[]): SortKey[] {
  const keys = sorted.flatMap((entry) => {
    const listColumn = model.listColumns[entry.column - 1];
    const field = listColumn && sortFieldOf(listColumn);
    return field ? [{ field, descending: entry.descending }] : [];
  });
  if (!keys.some((key) => key.field === model.primaryKey))
    keys.push({ field: model.primaryKey, descending: true });
  return keys;
}

/** The columns the registration's ordering sorts by, so their headers show it (the primary key tiebreak included when it is a column). */
export function columnsOfOrdering(model: ModelAdmin, ordering: readonly SortKey[]): SortedColumn[] {
  const sorted: SortedColumn[] = [];
  for (const key of ordering) {
    const index = model.listColumns.findIndex((listColumn) => sortFieldOf(listColumn) === key.field);
    if (index >= 0 && !sorted.some((entry) => entry.column === index + 1)) {
      sorted.push({ column: index + 1, descending: key.descending });
    }
  }
  return sorted;
}

/** ORDER BY expressions. */
export function orderByOf(keys: readonly SortKey[]): SQL[] {
  return keys.map((key) => (key.descending ? desc(key.field.column) : asc(key.field.column)));
}

/** Headers of the sortable columns, given how the list is sorted now. */
export function sortViews(model: ModelAdmin, sorted: readonly SortedColumn[], links: QueryLinks): SortView[] {
  const link = (next: readonly SortedColumn[]) => links.with({ [ORDER_PARAM]: formatOrderParam(next) });
  return model.listColumns.flatMap((listColumn, index): SortView[] => {
    if (!sortFieldOf(listColumn)) return [];
    const column = index + 1;
    const position = sorted.findIndex((entry) => entry.column === column);
    const current = sorted[position];
    const others = sorted.filter((entry) => entry.column !== column);
    return [
      {
        column,
        label: listColumn.label,
        direction: current ? (current.descending ? 'desc' : 'asc') : null,
        priority: current ? position + 1 : null,
        primaryQuery: link([{ column, descending: current ? !current.descending : false }, ...others]),
        ascQuery: link([{ column, descending: false }, ...others]),
        descQuery: link([{ column, descending: true }, ...others]),
        toggleQuery: current
          ? link(
              sorted.map((entry) =>
                entry.column === column ? { column, descending: !entry.descending } : entry,
              ),
            )
          : null,
        removeQuery: current ? link(others) : null,
      },
    ];
  });
}
