/**
 * Wall-clock time in an IANA time zone (Django's TIME_ZONE with USE_TZ) without a date library: the
 * database holds instants, the admin shows and takes `<input type="datetime-local">` values, which have
 * no zone. Intl.DateTimeFormat knows the zone rules; an instant is found from a wall time by trying the
 * zone's offsets around it.
 *
 * Wall times that do not exist or exist twice resolve like Temporal's `disambiguation: 'compatible'`
 * (and Python's zoneinfo with fold=0):
 * - in a gap (clocks jump forward, e.g. 02:30 on a spring-forward night in New York) the time is read
 *   with the offset in force before the jump, so it lands after it: 02:30 → 03:30 EDT (07:30Z);
 * - in an overlap (clocks go back, 01:30 happens twice) the earlier instant is chosen: 01:30 EDT (05:30Z).
 */

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone (building one is slow); throws RangeError for an unknown zone. */
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Calendar fields of a wall-clock time (proleptic Gregorian, astronomical years). */
interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time `instantMs` shows in `zone`, to the second. */
function wallTimeAt(instantMs: number, zone: string): WallTime {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(zone).formatToParts(instantMs)) fields[part.type] = part.value;
  const yearOfEra = Number(fields.year);
  return {
    year: fields.era === 'BC' || fields.era === 'B' ? 1 - yearOfEra : yearOfEra,
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
  };
}

/** A wall time as if it were UTC, in milliseconds: makes wall times comparable and offsets subtractable. */
function wallTimeMs(wall: WallTime, millisecond = 0): number {
  const date = new Date(
    Date.UTC(2000, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, millisecond),
  );
  // Date.UTC reads years 0–99 as 1900–1999; set the year separately.
  date.setUTCFullYear(wall.year);
  return date.getTime();
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
function offsetAt(instantMs: number, zone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return wallTimeMs(wallTimeAt(wholeSecond, zone)) - wholeSecond;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function formatYear(year: number): string {
  return year < 0 ? `-${pad(-year, 6)}` : pad(year, 4);
}

/**
 * The `datetime-local` value showing `date` in `zone`: `YYYY-MM-DDTHH:MM`, or `YYYY-MM-DDTHH:MM:SS`
 * when the seconds are not zero (the HTML "normalized" form; dropping them would change the value on
 * the next save). Milliseconds are dropped, as Django's admin widgets do. Throws RangeError for an
 * invalid date or an unknown zone.
 */
export function formatInZone(date: Date, zone: string): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('formatInZone: invalid date');
  const wall = wallTimeAt(time, zone);
  const minutes = `${formatYear(wall.year)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}`;
  return wall.second === 0 ? minutes : `${minutes}:${pad(wall.second)}`;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

/**
 * The instant a wall-clock time in `zone` names: `YYYY-MM-DDTHH:MM`, with optional `:SS` (and `.sss`,
 * which browsers send when the input's step is under a second); a space may stand for the `T`. Null when
 * the text is malformed or no such calendar date/time exists. Gaps and overlaps: see the module comment.
 * Throws RangeError for an unknown zone.
 */
export function parseInZone(text: string, zone: string): Date | null {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millisecond = match[7] ? Number(match[7].padEnd(3, '0')) : 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const wall = wallTimeMs({ year, month, day, hour, minute, second });

  // The true instant is within a day of `wall` read as UTC (offsets stay under ±15 h), so the offsets in
  // force a day either side cover the one before and the one after any transition near it.
  const before = offsetAt(wall - DAY_MS, zone);
  const offsets = new Set([before, offsetAt(wall, zone), offsetAt(wall + DAY_MS, zone)]);
  const matching = [...offsets]
    .map((offset) => wall - offset)
    .filter((instant) => offsetAt(instant, zone) === wall - instant)
    .sort((a, b) => a - b);
  // Overlap: the earlier instant. Gap: none matches; read it with the offset from before the jump.
  const instant = matching[0] ?? wall - before;
  return new Date(instant + millisecond);
}

/** A date-time as read-only text in `zone`: `2026-11-29 14:05` (change lists, detail and history pages). */
export function displayDateTime(date: Date, zone: string): string {
  return formatInZone(date, zone).slice(0, 16).replace('T', ' ');
}
