/**
 * The list filters in the sidebar (Django's `list_filter`). The field's kind decides the filter:
 * - boolean: `<key>=true|false`;
 * - choice: `<key>=<value>`, one of the field's choices;
 * - foreign key: `<key>=<id>`;
 * - date and date-time: `<key>__gte=YYYY-MM-DD` and `<key>__lt=YYYY-MM-DD`, days starting at local
 *   midnight in TIME_ZONE, with presets (today, past 7 days, this month, this year);
 * - any nullable field: `<key>__isnull=true|false` ("Unknown"/"Empty"/"No date", "Has date").
 * A repeated `<key>` matches any of its values (Django 5); different parameters all apply.
 * A value that is not valid for its field (an unknown choice, a non-numeric id, a bad date) is left out,
 * as if it was not given, and reported so the page can say so: it can never cause a database error.
 */
import { and, asc, eq, inArray, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../../db/client.js';
import { type AdminField, fieldsOf } from '../fields.js';
import type { AdminTranslate } from '../messages.js';
import { addDays, type CalendarDate, dateIn, formatDate, parseDate, startOfDay } from './dates.js';
import type { QueryChanges, QueryLinks } from './params.js';

export type FilterKind = 'boolean' | 'choice' | 'foreignKey' | 'date';

/** One choice of a filter, e.g. "Published". */
export interface FilterOption {
  label: string;
  /** The list is filtered by this option now. */
  selected: boolean;
  /** The query string of the list filtered by this option (other parameters kept, back to page 1). */
  query: string;
}

/** A list filter as the sidebar shows it. */
export interface FilterView {
  /** The field's key, which is also its main parameter's name. */
  key: string;
  /** The field's label, e.g. `Category` (Django shows "By category"). */
  title: string;
  kind: FilterKind;
  /** The list is filtered by this field now. */
  active: boolean;
  /** The first option is "All" (or "Any date"), which removes the filter. */
  options: FilterOption[];
  /**
   * Foreign keys to a table of more than {@link FOREIGN_KEY_OPTION_LIMIT} rows: only the selected rows
   * are listed, and the page should offer an input named `key` for an id instead.
   */
  partial: boolean;
  /** Date filters: the free range, for two date inputs (`gte` inclusive, `lt` exclusive). */
  range?: { gteParam: string; ltParam: string; gte: string | null; lt: string | null };
}

/** A filter's parameters as read from the query. */
export interface ParsedFilter {
  field: AdminField;
  kind: FilterKind;
  /** The WHERE condition, undefined when nothing filters. */
  condition: SQL | undefined;
  /** The valid values of each parameter the filter owns: these stay in the links. */
  accepted: Map<string, string[]>;
  /** Parameters left out because a value was not valid. */
  invalid: string[];
  /** Boolean, choice or foreign key values. */
  values: string[];
  isNull?: boolean;
  gte?: string;
  lt?: string;
}

/** A foreign key filter lists the target's rows only up to this many. */
export const FOREIGN_KEY_OPTION_LIMIT = 100;

const IS_NULL = '__isnull';
const GTE = '__gte';
const LT = '__lt';

function kindOf(field: AdminField): FilterKind {
  if (field.kind === 'boolean' || field.kind === 'choice' || field.kind === 'foreignKey') return field.kind;
  return 'date';
}

/** The parameters a field's filter reads. */
export function filterParamNames(field: AdminField): string[] {
  const names = [field.key];
  if (!field.notNull) names.push(`${field.key}${IS_NULL}`);
  if (kindOf(field) === 'date') names.push(`${field.key}${GTE}`, `${field.key}${LT}`);
  return names;
}

const INTEGER_LIMITS: Record<string, number> = {
  PgSmallInt: 32_767,
  PgSmallSerial: 32_767,
  PgInteger: 2_147_483_647,
  PgSerial: 2_147_483_647,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A key value as the column takes it (a number for integer columns), or undefined when it cannot be one. */
export function keyValueOf(column: PgColumn, text: string): string | number | undefined {
  if (/^PgInteger|^PgSerial|^PgSmall|^PgBigInt|^PgBigSerial/.test(column.columnType)) {
    if (!/^-?(0|[1-9]\d{0,18})$/.test(text)) return undefined;
    const value = Number(text);
    const limit = INTEGER_LIMITS[column.columnType] ?? Number.MAX_SAFE_INTEGER;
    return Math.abs(value) <= limit ? value : undefined;
  }
  if (column.columnType === 'PgUUID') return UUID.test(text) ? text : undefined;
  return text && !text.includes('\u0000') ? text : undefined;
}

/** The value a choice is stored as: a number for an integer column given choices at registration. */
function choiceValueOf(field: AdminField, text: string): string | number | undefined {
  if (!field.choices?.some(([value]) => value === text)) return undefined;
  return /Int|Serial/.test(field.column.columnType) ? keyValueOf(field.column, text) : text;
}

/** `column >= <local midnight of date>`, in the column's own type. */
function dayBound(field: AdminField, operator: '>=' | '<', date: CalendarDate, timeZone: string): SQL {
  const op = sql.raw(operator);
  if (field.column.columnType === 'PgDate' || field.column.columnType === 'PgDateString') {
    return sql`${field.column} ${op} ${formatDate(date)}::date`;
  }
  const instant = startOfDay(date, timeZone).toISOString();
  const withTimezone = (field.column as PgColumn & { withTimezone?: boolean }).withTimezone;
  // A timestamp without time zone holds UTC wall-clock time (as Drizzle writes it).
  return withTimezone === false
    ? sql`${field.column} ${op} ${instant.slice(0, -1)}::timestamp`
    : sql`${field.column} ${op} ${instant}::timestamptz`;
}

/** Reads a field's filter parameters (each a list of values, in request order). */
export function parseFilter(
  field: AdminField,
  params: ReadonlyMap<string, readonly string[]>,
  timeZone: string,
): ParsedFilter {
  const kind = kindOf(field);
  const parsed: ParsedFilter = {
    field,
    kind,
    condition: undefined,
    accepted: new Map(),
    invalid: [],
    values: [],
  };
  const conditions: (SQL | undefined)[] = [];
  const accept = (name: string, value: string) =>
    parsed.accepted.set(name, [...(parsed.accepted.get(name) ?? []), value]);
  const reject = (name: string) => {
    if (!parsed.invalid.includes(name)) parsed.invalid.push(name);
  };
  /** The last value of a single-valued parameter (as Django's QueryDict reads it). */
  const single = (name: string) => params.get(name)?.at(-1);

  if (kind === 'date') {
    for (const [suffix, operator] of [
      [GTE, '>='],
      [LT, '<'],
    ] as const) {
      const name = `${field.key}${suffix}`;
      const text = single(name);
      if (text === undefined) continue;
      const date = parseDate(text);
      if (!date) {
        reject(name);
        continue;
      }
      accept(name, text);
      if (suffix === GTE) parsed.gte = text;
      else parsed.lt = text;
      conditions.push(dayBound(field, operator, date, timeZone));
    }
    if (params.has(field.key)) reject(field.key);
  } else {
    const matches: SQL[] = [];
    for (const text of params.get(field.key) ?? []) {
      const value =
        kind === 'boolean'
          ? text === 'true' || text === 'false'
            ? text === 'true'
            : undefined
          : kind === 'choice'
            ? choiceValueOf(field, text)
            : keyValueOf(field.column, text);
      if (value === undefined) {
        reject(field.key);
        continue;
      }
      if (parsed.values.includes(text)) continue;
      accept(field.key, text);
      parsed.values.push(text);
      matches.push(eq(field.column, value));
    }
    if (matches.length > 0) conditions.push(matches.length === 1 ? matches[0] : or(...matches));
  }

  const nullName = `${field.key}${IS_NULL}`;
  const nullText = single(nullName);
  if (nullText !== undefined) {
    if (field.notNull || (nullText !== 'true' && nullText !== 'false')) {
      reject(nullName);
    } else {
      accept(nullName, nullText);
      parsed.isNull = nullText === 'true';
      conditions.push(parsed.isNull ? isNull(field.column) : isNotNull(field.column));
    }
  }
  parsed.condition = and(...conditions);
  return parsed;
}

/** The filter narrows the list. */
export function isActive(parsed: ParsedFilter): boolean {
  return parsed.accepted.size > 0;
}

interface Choice {
  label: string;
  /** The filter's parameters for this choice (the rest of its parameters are removed). */
  params: Record<string, string>;
  selected: boolean;
}

/** The sidebar entry of a parsed filter. `now` and `timeZone` place the date presets; `t` words the choices. */
export async function filterView(
  db: Db | Tx,
  parsed: ParsedFilter,
  links: QueryLinks,
  { timeZone, now, t }: { timeZone: string; now: Date; t: AdminTranslate },
): Promise<FilterView> {
  const { field, kind } = parsed;
  const active = isActive(parsed);
  const ownNames = filterParamNames(field);
  const nullName = `${field.key}${IS_NULL}`;
  const valueSelected = (value: string) => parsed.values.includes(value) && parsed.isNull === undefined;
  const choices: Choice[] = [
    { label: t(kind === 'date' ? 'filter.anyDate' : 'filter.all'), params: {}, selected: !active },
  ];
  let partial = false;

  if (kind === 'boolean') {
    choices.push(
      { label: t('value.yes'), params: { [field.key]: 'true' }, selected: valueSelected('true') },
      { label: t('value.no'), params: { [field.key]: 'false' }, selected: valueSelected('false') },
    );
  } else if (kind === 'choice') {
    for (const [value, label] of field.choices ?? []) {
      choices.push({ label, params: { [field.key]: value }, selected: valueSelected(value) });
    }
  } else if (kind === 'foreignKey') {
    const targets = await foreignKeyTargets(db, field, parsed.values);
    partial = targets.partial;
    for (const target of targets.rows) {
      choices.push({
        label: target.label,
        params: { [field.key]: target.id },
        selected: valueSelected(target.id),
      });
    }
  } else {
    const today = dateIn(now, timeZone);
    const firstOfMonth = { ...today, day: 1 };
    const nextMonth =
      today.month === 12
        ? { year: today.year + 1, month: 1, day: 1 }
        : { ...firstOfMonth, month: today.month + 1 };
    const presets: [string, CalendarDate, CalendarDate][] = [
      [t('filter.today'), today, addDays(today, 1)],
      [t('filter.past7Days'), addDays(today, -7), addDays(today, 1)],
      [t('filter.thisMonth'), firstOfMonth, nextMonth],
      [
        t('filter.thisYear'),
        { year: today.year, month: 1, day: 1 },
        { year: today.year + 1, month: 1, day: 1 },
      ],
    ];
    for (const [label, from, until] of presets) {
      const gte = formatDate(from);
      const lt = formatDate(until);
      choices.push({
        label,
        params: { [`${field.key}${GTE}`]: gte, [`${field.key}${LT}`]: lt },
        selected: parsed.gte === gte && parsed.lt === lt && parsed.isNull === undefined,
      });
    }
  }
  if (!field.notNull) {
    const empty = t(
      kind === 'date' ? 'filter.noDate' : kind === 'boolean' ? 'value.unknown' : 'filter.empty',
    );
    const noRange = parsed.values.length === 0 && parsed.gte === undefined && parsed.lt === undefined;
    choices.push({
      label: empty,
      params: { [nullName]: 'true' },
      selected: parsed.isNull === true && noRange,
    });
    if (kind === 'date') {
      choices.push({
        label: t('filter.hasDate'),
        params: { [nullName]: 'false' },
        selected: parsed.isNull === false && noRange,
      });
    }
  }

  const options = choices.map((choice) => {
    const changes: QueryChanges = Object.fromEntries(
      ownNames.map((name) => [name, choice.params[name] ?? null]),
    );
    return { label: choice.label, selected: choice.selected, query: links.with(changes) };
  });
  return {
    key: field.key,
    title: field.label,
    kind,
    active,
    options,
    partial,
    range:
      kind === 'date'
        ? {
            gteParam: `${field.key}${GTE}`,
            ltParam: `${field.key}${LT}`,
            gte: parsed.gte ?? null,
            lt: parsed.lt ?? null,
          }
        : undefined,
  };
}

/**
 * The rows a foreign key filter offers, named by the target's first text column: all of them when
 * the target has at most {@link FOREIGN_KEY_OPTION_LIMIT} rows, else only the selected ones (so a huge
 * table is never loaded). Selected ids with no row left are listed by their id.
 */
async function foreignKeyTargets(
  db: Db | Tx,
  field: AdminField,
  selected: readonly string[],
): Promise<{ rows: { id: string; label: string }[]; partial: boolean }> {
  const reference = field.references;
  if (!reference) return { rows: [], partial: false };
  const targetFields = fieldsOf(reference.table);
  const labelField =
    targetFields.find((target) => target.kind === 'text' && !target.primaryKey) ??
    targetFields.find((target) => target.kind === 'longText');
  const labelColumn = labelField?.column ?? reference.column;
  const select = (where?: SQL) =>
    db
      .select({ id: reference.column, label: labelColumn })
      .from(reference.table)
      .where(where)
      .orderBy(asc(labelColumn), asc(reference.column));
  let found = await select().limit(FOREIGN_KEY_OPTION_LIMIT + 1);
  const partial = found.length > FOREIGN_KEY_OPTION_LIMIT;
  if (partial) {
    const ids = selected.flatMap((text) => {
      const value = keyValueOf(reference.column, text);
      return value === undefined ? [] : [value];
    });
    found = ids.length > 0 ? await select(inArray(reference.column, ids)) : [];
  }
  const rows = found.map((row) => ({ id: String(row.id), label: String(row.label ?? row.id) }));
  for (const id of selected) {
    if (!rows.some((row) => row.id === id)) rows.push({ id, label: id });
  }
  return { rows, partial };
}
