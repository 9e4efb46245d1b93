/**
 * Calendar days in a time zone, for the date filters: "today" is today where the site is (TIME_ZONE),
 * and a day runs from its local midnight to the next, whatever daylight saving does in between.
 */

/** A calendar date, e.g. `2024-03-10`. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local wall-clock time at `instant`, as if it were UTC (milliseconds). */
function wallClockOf(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal' && part.type !== 'era') parts[part.type] = Number(part.value);
  }
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(hour, minute, second, 0);
  return wall.getTime();
}

function utcMidnightOf(date: CalendarDate): number {
  const wall = new Date(0);
  wall.setUTCFullYear(date.year, date.month - 1, date.day);
  return wall.getTime();
}

/** Today's date in `timeZone` at `instant`. */
export function dateIn(instant: Date, timeZone: string): CalendarDate {
  const wall = new Date(wallClockOf(instant.getTime(), timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The instant a day starts in `timeZone`: its local midnight. When clocks fall back across midnight
 * (midnight happens twice) it is the first; when they spring forward over midnight (it never happens)
 * it is the moment of the change, the first instant of that day.
 */
export function startOfDay(date: CalendarDate, timeZone: string): Date {
  const wall = utcMidnightOf(date);
  // The offsets in force around that day; at most one change falls within them.
  const offsets = new Set(
    [-DAY_MS, DAY_MS].map((shift) => wallClockOf(wall + shift, timeZone) - (wall + shift)),
  );
  const readings = [...offsets].map((offset) => wall - offset);
  const exact = readings.filter((instant) => wallClockOf(instant, timeZone) === wall);
  if (exact.length > 0) return new Date(Math.min(...exact));
  // Midnight skipped: read with the earlier (smaller) offset it lands on the change itself.
  return new Date(Math.max(...readings));
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
