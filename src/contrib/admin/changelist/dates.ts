/**
 * Calendar days in a time zone, for the date filters: "today" is today where the site is (TIME_ZONE),
 * and a day runs from its local midnight to the next, whatever daylight saving does in between.
 */

import { formatInZone, parseInZone } from '../form/time-zone.js';

/** A calendar date, e.g. `2024-03-10`. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;

function utcMidnightOf(date: CalendarDate): number {
  const wall = new Date(0);
  wall.setUTCFullYear(date.year, date.month - 1, date.day);
  return wall.getTime();
}

/** Today's date in `timeZone` at `instant`. */
export function dateIn(instant: Date, timeZone: string): CalendarDate {
  const [year = 1970, month = 1, day = 1] = formatInZone(instant, timeZone)
    .slice(0, 10)
    .split('-')
    .map(Number);
  return { year, month, day };
}

/**
 * The instant a day starts in `timeZone`: its local midnight. When clocks fall back across midnight
 * (midnight happens twice) it is the first; when they spring forward over midnight (it never happens)
 * it is the moment of the change, the first instant of that day (parseInZone's rules for gaps and overlaps).
 */
export function startOfDay(date: CalendarDate, timeZone: string): Date {
  const start = parseInZone(`${formatDate(date)}T00:00`, timeZone);
  if (!start) throw new RangeError(`startOfDay: ${formatDate(date)} is not a date`);
  return start;
}

/** `date` moved by `days` (negative goes back). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const moved = new Date(utcMidnightOf(date) + days * DAY_MS);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** `2024-03-10`. */
export function formatDate(date: CalendarDate): string {
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** `YYYY-MM-DD` that names a real day (years 1 to 9999), else undefined. */
export function parseDate(text: string): CalendarDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (date.year < 1 || date.month < 1 || date.month > 12 || date.day < 1) return undefined;
  // Day 31 of a 30-day month rolls over into the next month: not a real date.
  return formatDate(addDays(date, 0)) === text ? date : undefined;
}
