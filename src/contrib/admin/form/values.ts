/**
 * One column's value in the admin form (Django's form fields): what the browser posted turned into what
 * Drizzle writes, with Django's error messages, and back into the text an input shows or a change list
 * displays. The checks mirror the database's so most mistakes get a field error before the query; the
 * rest come back from the database as form errors too (see database-errors.ts).
 */
import type { PgColumn } from 'drizzle-orm/pg-core';
import { httpUrl } from '../../../db/url-field.js';
import type { MessageValues } from '../../../i18n/messages.js';
import type { StoredFile } from '../../media/fields.js';
import type { AdminField } from '../fields.js';
import { type AdminMessageId, type AdminTranslate, adminTranslator } from '../messages.js';
import { findJsonSyntaxError, type JsonProblem } from './json-syntax.js';
import { daysInMonth, displayDateTime, formatInZone, parseInZone } from './time-zone.js';

export interface ValueOptions {
  /** The IANA zone date-times are shown and entered in (settings.timeZone). */
  timeZone: string;
  /** The admin's messages in the page's language (errors, "Yes"/"No"); default English. */
  t?: AdminTranslate;
}

/**
 * The outcome of reading one posted value. `value: undefined` means "leave the column out of the
 * INSERT/UPDATE": file fields (uploads are handled elsewhere) and empty NOT NULL columns that have a
 * default (the database fills it on insert; an update keeps the stored value).
 */
export type ParsedValue = { ok: true; value: unknown } | { ok: false; error: string };

/** A problem with a posted value: a message of the admin's catalogue and its values. */
export interface FieldProblem {
  id: AdminMessageId;
  values?: MessageValues;
  /** For `field.json`: what the JSON scanner found, worded into the `problem` placeholder. */
  json?: JsonProblem;
}

/** The outcome of reading one value, before its problem is put into words. */
type Parsed = { ok: true; value: unknown } | { ok: false; problem: FieldProblem };

const ok = (value: unknown): Parsed => ({ ok: true, value });
const fail = (id: AdminMessageId, values?: MessageValues): Parsed => ({ ok: false, problem: { id, values } });

/** The JSON scanner's finding in words ("unexpected "}", expected "," or "]""). */
function jsonProblemText(problem: JsonProblem, t: AdminTranslate): string {
  const found =
    problem.found === 'character' || problem.found === 'control' || problem.found === 'escape'
      ? t(`json.${problem.found}`, { text: problem.text })
      : t(`json.${problem.found}`);
  const expected = 'expected' in problem ? problem.expected : undefined;
  return expected ? t(`json.expected.${expected}`, { found }) : found;
}

/** The range of an integer column type, or undefined for columns that are not integers. */
export function integerRangeOf(column: PgColumn): { min: number; max: number } | undefined {
  switch (column.columnType) {
    case 'PgSmallInt':
    case 'PgSmallSerial':
      return { min: -32768, max: 32767 };
    case 'PgInteger':
    case 'PgSerial':
      return { min: -2147483648, max: 2147483647 };
    case 'PgBigInt53':
    case 'PgBigSerial53':
      return { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
    default:
      return undefined;
  }
}

/** Characters as PostgreSQL counts them (code points, not UTF-16 units). */
function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

const INTEGER = /^[+-]?\d+$/;

function parseInteger(text: string, range: { min: number; max: number }): Parsed {
  if (!INTEGER.test(text)) return fail('field.wholeNumber');
  // Beyond 2^53 Number() rounds, but such values are out of every range checked here anyway.
  const value = Number(text);
  if (value > range.max) return fail('field.maxValue', { max: range.max });
  if (value < range.min) return fail('field.minValue', { min: range.min });
  return ok(value === 0 ? 0 : value);
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * numeric(precision, scale) as Django's DecimalField checks it (digits in total, after and before the
 * point), but trailing zeros after the point do not count: `1.50` is `1.5`, which numeric(3,1) holds.
 * Returned as a normalized string, the type Drizzle uses for numeric.
 */
function parseDecimal(text: string, precision: number | undefined, scale: number | undefined): Parsed {
  const match = DECIMAL.exec(text);
  if (!match || (!match[2] && !match[3])) return fail('field.number');
  const whole = (match[2] ?? '').replace(/^0+/, '');
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  const places = precision !== undefined ? (scale ?? 0) : scale;
  if (precision !== undefined && whole.length + fraction.length > precision) {
    return fail('field.maxDigits', { max: precision });
  }
  if (places !== undefined && fraction.length > places)
    return fail('field.maxDecimalPlaces', { max: places });
  if (precision !== undefined && places !== undefined && whole.length > precision - places) {
    return fail('field.maxWholeDigits', { max: precision - places });
  }
  const digits = `${whole || '0'}${fraction ? `.${fraction}` : ''}`;
  return ok(match[1] === '-' && digits !== '0' ? `-${digits}` : digits);
}

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** The largest finite PostgreSQL real (float4). */
const REAL_MAX = 3.4028234663852886e38;

function parseFloatValue(text: string, column: PgColumn): Parsed {
  if (!FLOAT.test(text)) return fail('field.number');
  const value = Number(text);
  const max = column.columnType === 'PgReal' ? REAL_MAX : Number.MAX_VALUE;
  if (!Number.isFinite(value) || value > max) return fail('field.maxValue', { max: max });
  if (value < -max) return fail('field.minValue', { min: -max });
  return ok(value);
}

const TRUE_VALUES = new Set(['on', 'true', '1', 'yes']);
const FALSE_VALUES = new Set(['off', 'false', '0', 'no']);

/** A NOT NULL boolean is a checkbox (absent means false); a nullable one a Yes/No/Unknown select. */
function parseBoolean(field: AdminField, raw: string | undefined): Parsed {
  const text = raw?.trim().toLowerCase() ?? '';
  if (TRUE_VALUES.has(text)) return ok(true);
  if (FALSE_VALUES.has(text)) return ok(false);
  if (text === '' || (!field.notNull && text === 'unknown')) return ok(field.notNull ? false : null);
  return fail('field.boolean');
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` naming a real calendar day (years 1–9999). */
function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** A date column: `date(..., { mode: 'date' })` takes a Date (UTC midnight, as Drizzle reads it back), the default mode a string. */
function parseDate(field: AdminField, text: string): Parsed {
  if (!isCalendarDate(text)) return fail('field.date');
  if (field.column.columnType !== 'PgDate') return ok(text);
  const date = new Date(`2000${text.slice(4)}T00:00:00Z`);
  date.setUTCFullYear(Number(text.slice(0, 4)));
  return ok(date);
}

function parseDateTime(field: AdminField, text: string, timeZone: string): Parsed {
  const instant = parseInZone(text, timeZone);
  if (!instant) return fail('field.dateTime');
  return ok(field.column.columnType === 'PgTimestampString' ? instant.toISOString() : instant);
}

function parseChoice(field: AdminField, text: string): Parsed {
  if (!field.choices?.some(([value]) => value === text)) return fail('field.invalidChoice', { value: text });
  const range = integerRangeOf(field.column);
  return ok(range ? Number(text) : text);
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function parseForeignKey(field: AdminField, text: string): Parsed {
  const target = field.references?.column;
  if (target?.columnType === 'PgUUID' && !UUID.test(text)) return fail('field.invalidForeignKey');
  const range = target ? integerRangeOf(target) : undefined;
  if (!range) return ok(text);
  // No row can have an id that is not an integer in the target's range: the same message as a missing one.
  const parsed = parseInteger(text, range);
  return parsed.ok ? parsed : fail('field.invalidForeignKey');
}

function parseJson(field: AdminField, text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    let located: ReturnType<typeof findJsonSyntaxError> = null;
    try {
      located = findJsonSyntaxError(text);
    } catch {
      // Nesting too deep for the scanner's recursion: fall back to the engine's message.
    }
    if (located) {
      return {
        ok: false,
        problem: {
          id: 'field.json',
          values: { line: located.line, column: located.column },
          json: located.problem,
        },
      };
    }
    // The engine's own message is English and may quote the text: say only that it is not JSON.
    return fail('field.jsonInvalid');
  }
  if (value === null && field.notNull) return fail('field.required');
  // PostgreSQL's jsonb cannot hold \u0000 in strings.
  if (JSON.stringify(value).includes('\\u0000')) return fail('field.nullCharacters');
  return ok(value);
}

/** What an empty input means for a column (the browser sends '' or nothing). */
function emptyValue(field: AdminField): Parsed {
  if (!field.notNull) return ok(null);
  if (!field.hasDefault) return fail('field.required');
  // Django's blank=True CharField: the empty string is a value. Other kinds take the column default.
  return field.kind === 'text' || field.kind === 'longText' ? ok('') : ok(undefined);
}

/**
 * Reads one posted value (`raw` is undefined when the browser sent nothing). Surrounding whitespace is
 * stripped, as Django's form fields do.
 */
export function parseFieldValue(
  field: AdminField,
  raw: string | undefined,
  options: ValueOptions,
): ParsedValue {
  const parsed = parseValue(field, raw, options);
  return parsed.ok ? parsed : { ok: false, error: problemText(parsed.problem, options.t) };
}

/** A problem in words, in the language of `t` (English without one). */
export function problemText(problem: FieldProblem, t: AdminTranslate = adminTranslator('en')): string {
  const values = problem.json
    ? { ...problem.values, problem: jsonProblemText(problem.json, t) }
    : problem.values;
  return t(problem.id, values);
}

function parseValue(field: AdminField, raw: string | undefined, options: ValueOptions): Parsed {
  if (field.kind === 'file' || field.kind === 'image') return ok(undefined);
  if (field.kind === 'boolean') return parseBoolean(field, raw);
  const text = raw?.trim() ?? '';
  if (text === '') return emptyValue(field);
  switch (field.kind) {
    case 'text':
    case 'longText': {
      if (text.includes('\u0000')) return fail('field.nullCharacters');
      const length = characterCount(text);
      if (field.maxLength !== undefined && length > field.maxLength) {
        return fail('field.maxLength', { max: field.maxLength, length: length });
      }
      if (field.url) {
        const url = httpUrl(text);
        if (!url) return fail('field.url');
        // What is stored is the normalised address, whose escapes can make it longer than what was typed.
        const stored = characterCount(url);
        if (field.maxLength !== undefined && stored > field.maxLength) {
          return fail('field.maxLength', { max: field.maxLength, length: stored });
        }
        return ok(url);
      }
      return ok(text);
    }
    case 'integer':
      return parseInteger(
        text,
        integerRangeOf(field.column) ?? { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
      );
    case 'numeric':
      return field.column.columnType === 'PgNumeric'
        ? parseDecimal(text, field.precision, field.scale)
        : parseFloatValue(text, field.column);
    case 'date':
      return parseDate(field, text);
    case 'dateTime':
      return parseDateTime(field, text, options.timeZone);
    case 'choice':
      return parseChoice(field, text);
    case 'foreignKey':
      return parseForeignKey(field, text);
    case 'json':
      return parseJson(field, text);
  }
}

/** A timestamp column's value as an instant: Drizzle gives a Date, or a string in `mode: 'string'`. */
function toInstant(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  if (typeof value === 'number') return new Date(value);
  // PostgreSQL's text form, `2024-05-06 07:08:09.123+00`; without an offset it is UTC (as Drizzle reads it).
  const iso = value.trim().replace(' ', 'T');
  const zoned = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/.test(iso.slice(10)) ? iso : `${iso}Z`;
  const date = new Date(zoned.replace(/([+-]\d{2})$/, '$1:00'));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A date column's value as `YYYY-MM-DD`. */
function toDateText(value: unknown): string {
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.slice(0, iso.indexOf('T'));
  }
  return String(value).slice(0, 10);
}

function isStoredFile(value: unknown): value is StoredFile {
  return typeof value === 'object' && value !== null && typeof (value as StoredFile).name === 'string';
}

/**
 * The text an input shows for a stored value: dates and date-times as the date/datetime-local inputs
 * take them (date-times in the zone), JSON pretty-printed, booleans `true`/`false`, null as ''. File
 * inputs cannot be pre-filled: ''.
 */
export function formatFieldValue(field: AdminField, value: unknown, options: ValueOptions): string {
  if (value === null || value === undefined) return '';
  switch (field.kind) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'date':
      return toDateText(value);
    case 'dateTime': {
      const instant = toInstant(value);
      return instant ? formatInZone(instant, options.timeZone) : String(value);
    }
    case 'json':
      return JSON.stringify(value, null, 2);
    case 'file':
    case 'image':
      return '';
    default:
      return String(value);
  }
}

/** Django's `empty_value_display`. */
export const EMPTY_VALUE_DISPLAY = '-';

/**
 * A stored value as read-only text for detail pages and change lists: date-times as `YYYY-MM-DD HH:MM`
 * in the zone, booleans Yes/No, choices by label, files by their original name, null (and '') as `-`.
 * Foreign keys show the id; naming the target row is the caller's (it needs a query).
 */
export function displayValue(field: AdminField, value: unknown, options: ValueOptions): string {
  if (value === null || value === undefined || value === '') return EMPTY_VALUE_DISPLAY;
  switch (field.kind) {
    case 'boolean':
      return (options.t ?? adminTranslator('en'))(value ? 'value.yes' : 'value.no');
    case 'choice': {
      const text = String(value);
      return field.choices?.find(([choice]) => choice === text)?.[1] ?? text;
    }
    case 'date':
      return toDateText(value);
    case 'dateTime': {
      const instant = toInstant(value);
      return instant ? displayDateTime(instant, options.timeZone) : String(value);
    }
    case 'json':
      return JSON.stringify(value);
    case 'file':
    case 'image':
      return isStoredFile(value) ? value.originalName || value.name : EMPTY_VALUE_DISPLAY;
    default:
      return String(value);
  }
}
