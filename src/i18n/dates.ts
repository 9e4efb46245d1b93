/**
 * Dates for people, through `Intl` in the page's language and the site's TIME_ZONE: "5 декабря 2026" /
 * "December 5, 2026" (a day: Russian puts the month in the genitive, which Intl does), "март 2022" /
 * "March 2022" (a month on its own: nominative). The year's trailing "г." that Intl adds in Russian is
 * left out, as Russian prose usually does after a full date.
 */

export type DateStyle = 'day' | 'month' | 'dayTime';

const OPTIONS: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  day: { day: 'numeric', month: 'long', year: 'numeric' },
  month: { month: 'long', year: 'numeric' },
  dayTime: { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' },
};

const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(language: string, timeZone: string, style: DateStyle): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}|${style}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(language, { ...OPTIONS[style], timeZone });
    } catch {
      // A tag Intl does not know must not break a page: English in the same zone instead.
      format = new Intl.DateTimeFormat('en', { ...OPTIONS[style], timeZone });
    }
    formats.set(key, format);
  }
  return format;
}

/** `date` in `language` and `timeZone`, in the given style. */
export function formatDate(date: Date, language: string, timeZone: string, style: DateStyle = 'day'): string {
  const parts = formatOf(language, timeZone, style).formatToParts(date);
  const yearAt = parts.findIndex((part) => part.type === 'year');
  // "5 декабря 2026 г." → "5 декабря 2026": a literal right after the year that ends the text.
  const last = parts.at(-1);
  if (style !== 'dayTime' && yearAt === parts.length - 2 && last?.type === 'literal' && /\S/.test(last.value))
    parts.pop();
  return parts.map((part) => part.value).join('');
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar date from a `date` column ('YYYY-MM-DD', no time zone) in the given style; UTC keeps it the
 * day it was stored as. A value that is not such a date is shown as it is.
 */
export function formatCalendarDate(isoDate: string, language: string, style: 'day' | 'month'): string {
  const match = ISO_DATE.exec(isoDate);
  if (!match) return isoDate;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return formatDate(date, language, 'UTC', style);
}
