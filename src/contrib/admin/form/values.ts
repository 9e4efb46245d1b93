/**
 * One column's value in the admin form (Django's form fields): what the browser posted turned into what
 * Drizzle writes, with Django's error messages, and back into the text an input shows or a change list
 * displays. The checks mirror the database's so most mistakes get a field error before the query; the
 * rest come back from the database as form errors too (see database-errors.ts).
 */
import type { PgColumn } from 'drizzle-orm/pg-core';
import { httpUrl } from '../../../db/url-field.js';
import type { StoredFile } from '../../media/fields.js';
import type { AdminField } from '../fields.js';
import { findJsonSyntaxError } from './json-syntax.js';
import { daysInMonth, displayDateTime, formatInZone, parseInZone } from './time-zone.js';

export interface ValueOptions {
  /** The IANA zone date-times are shown and entered in (settings.timeZone). */
  timeZone: string;
}

/**
 * The outcome of reading one posted value. `value: undefined` means "leave the column out of the
 * INSERT/UPDATE": file fields (uploads are handled elsewhere) and empty NOT NULL columns that have a
 * default (the database fills it on insert; an update keeps the stored value).
 */
export type ParsedValue = { ok: true; value: unknown } | { ok: false; error: string };

/** Django's messages, for callers that check for the same conditions. */
export const fieldMessages = {
  required: 'This field is required.',
  nullCharacters: 'Null characters are not allowed.',
  url: 'Enter a valid URL starting with http:// or https://.',
  wholeNumber: 'Enter a whole number.',
  number: 'Enter a number.',
  boolean: 'Select Yes or No.',
  date: 'Enter a valid date.',
  dateTime: 'Enter a valid date/time.',
  invalidForeignKey: 'Select a valid choice. That choice is not one of the available choices.',
  maxLength: (max: number, length: number) =>
    `Ensure this value has at most ${max} character${max === 1 ? '' : 's'} (it has ${length}).`,
  maxValue: (max: number | string) => `Ensure this value is less than or equal to ${max}.`,
  minValue: (min: number | string) => `Ensure this value is greater than or equal to ${min}.`,
  maxDigits: (max: number) =>
    `Ensure that there are no more than ${max} digit${max === 1 ? '' : 's'} in total.`,
  maxDecimalPlaces: (max: number) =>
    `Ensure that there are no more than ${max} decimal place${max === 1 ? '' : 's'}.`,
  maxWholeDigits: (max: number) =>
    `Ensure that there are no more than ${max} digit${max === 1 ? '' : 's'} before the decimal point.`,
  invalidChoice: (value: string) => `Select a valid choice. ${value} is not one of the available choices.`,
  json: (problem: string, line: number, column: number) =>
    `Enter valid JSON: ${problem} at line ${line}, column ${column}.`,
} as const;

const ok = (value: unknown): ParsedValue => ({ ok: true, value });
const fail = (error: string): ParsedValue => ({ ok: false, error });

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

function parseInteger(text: string, range: { min: number; max: number }): ParsedValue {
  if (!INTEGER.test(text)) return fail(fieldMessages.wholeNumber);
  // Beyond 2^53 Number() rounds, but such values are out of every range checked here anyway.
  const value = Number(text);
  if (value > range.max) return fail(fieldMessages.maxValue(range.max));
  if (value < range.min) return fail(fieldMessages.minValue(range.min));
  return ok(value === 0 ? 0 : value);
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * numeric(precision, scale) as Django's DecimalField checks it (digits in total, after and before the
 * point), but trailing zeros after the point do not count: `1.50` is `1.5`, which numeric(3,1) holds.
 * Returned as a normalized string, the type Drizzle uses for numeric.
 */
function parseDecimal(text: string, precision: number | undefined, scale: number | undefined): ParsedValue {
  const match = DECIMAL.exec(text);
  if (!match || (!match[2] && !match[3])) return fail(fieldMessages.number);
  const whole = (match[2] ?? '').replace(/^0+/, '');
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  const places = precision !== undefined ? (scale ?? 0) : scale;
  if (precision !== undefined && whole.length + fraction.length > precision) {
    return fail(fieldMessages.maxDigits(precision));
  }
  if (places !== undefined && fraction.length > places) return fail(fieldMessages.maxDecimalPlaces(places));
  if (precision !== undefined && places !== undefined && whole.length > precision - places) {
    return fail(fieldMessages.maxWholeDigits(precision - places));
  }
  const digits = `${whole || '0'}${fraction ? `.${fraction}` : ''}`;
  return ok(match[1] === '-' && digits !== '0' ? `-${digits}` : digits);
}

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** The largest finite PostgreSQL real (float4). */
const REAL_MAX = 3.4028234663852886e38;

function parseFloatValue(text: string, column: PgColumn): ParsedValue {
  if (!FLOAT.test(text)) return fail(fieldMessages.number);
  const value = Number(text);
  const max = column.columnType === 'PgReal' ? REAL_MAX : Number.MAX_VALUE;
  if (!Number.isFinite(value) || value > max) return fail(fieldMessages.maxValue(max));
  if (value < -max) return fail(fieldMessages.minValue(-max));
  return ok(value);
}

const TRUE_VALUES = new Set(['on', 'true', '1', 'yes']);
const FALSE_VALUES = new Set(['off', 'false', '0', 'no']);

/** A NOT NULL boolean is a checkbox (absent means false); a nullable one a Yes/No/Unknown select. */
function parseBoolean(field: AdminField, raw: string | undefined): ParsedValue {
  const text = raw?.trim().toLowerCase() ?? '';
  if (TRUE_VALUES.has(text)) return ok(true);
  if (FALSE_VALUES.has(text)) return ok(false);
  if (text === '' || (!field.notNull && text === 'unknown')) return ok(field.notNull ? false : null);
  return fail(fieldMessages.boolean);
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
function parseDate(field: AdminField, text: string): ParsedValue {
  if (!isCalendarDate(text)) return fail(fieldMessages.date);
  if (field.column.columnType !== 'PgDate') return ok(text);
  const date = new Date(`2000${text.slice(4)}T00:00:00Z`);
  date.setUTCFullYear(Number(text.slice(0, 4)));
  return ok(date);
}

function parseDateTime(field: AdminField, text: string, timeZone: string): ParsedValue {
  const instant = parseInZone(text, timeZone);
  if (!instant) return fail(fieldMessages.dateTime);
  return ok(field.column.columnType === 'PgTimestampString' ? instant.toISOString() : instant);
}

function parseChoice(field: AdminField, text: string): ParsedValue {
  if (!field.choices?.some(([value]) => value === text)) return fail(fieldMessages.invalidChoice(text));
  const range = integerRangeOf(field.column);
  return ok(range ? Number(text) : text);
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function parseForeignKey(field: AdminField, text: string): ParsedValue {
  const target = field.references?.column;
  if (target?.columnType === 'PgUUID' && !UUID.test(text)) return fail(fieldMessages.invalidForeignKey);
  const range = target ? integerRangeOf(target) : undefined;
  if (!range) return ok(text);
  // No row can have an id that is not an integer in the target's range: the same message as a missing one.
  const parsed = parseInteger(text, range);
  return parsed.ok ? parsed : fail(fieldMessages.invalidForeignKey);
}

function parseJson(field: AdminField, text: string): ParsedValue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    let located: ReturnType<typeof findJsonSyntaxError> = null;
    try {
      located = findJsonSyntaxError(text);
    } catch {
      // Nesting too deep for the scanner's recursion: fall back to the engine's message.
    }
    if (located) return fail(fieldMessages.json(located.problem, located.line, located.column));
    return fail(`Enter valid JSON: ${(error as Error).message}.`);
  }
  if (value === null && field.notNull) return fail(fieldMessages.required);
  // PostgreSQL's jsonb cannot hold \u0000 in strings.
  if (JSON.stringify(value).includes('\\u0000')) return fail(fieldMessages.nullCharacters);
  return ok(value);
}

/** What an empty input means for a column (the browser sends '' or nothing). */
function emptyValue(field: AdminField): ParsedValue {
  if (!field.notNull) return ok(null);
  if (!field.hasDefault) return fail(fieldMessages.required);
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
  if (field.kind === 'file' || field.kind === 'image') return ok(undefined);
  if (field.kind === 'boolean') return parseBoolean(field, raw);
  const text = raw?.trim() ?? '';
  if (text === '') return emptyValue(field);
  switch (field.kind) {
    case 'text':
    case 'longText': {
      if (text.includes('\u0000')) return fail(fieldMessages.nullCharacters);
      const length = characterCount(text);
      if (field.maxLength !== undefined && length > field.maxLength) {
        return fail(fieldMessages.maxLength(field.maxLength, length));
      }
      if (field.url) {
        const url = httpUrl(text);
        if (!url) return fail(fieldMessages.url);
        // What is stored is the normalised address, whose escapes can make it longer than what was typed.
        const stored = characterCount(url);
        if (field.maxLength !== undefined && stored > field.maxLength) {
          return fail(fieldMessages.maxLength(field.maxLength, stored));
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
      return value ? 'Yes' : 'No';
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
