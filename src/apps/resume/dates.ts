/** Résumé dates: `date` columns ('YYYY-MM-DD' strings) shown as month and year, e.g. "Mar 2021 – present". */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Formats a calendar date as "Mar 2021"; a date column has no time zone, so UTC keeps it as stored. */
export type MonthFormatter = (isoDate: string) => string;

export function monthFormatter(languageCode: string): MonthFormatter {
  const options: Intl.DateTimeFormatOptions = { month: 'short', year: 'numeric', timeZone: 'UTC' };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(languageCode, options);
  } catch {
    // Intl throws on a malformed LANGUAGE_CODE; the résumé should still render.
    format = new Intl.DateTimeFormat('en', options);
  }
  return (isoDate) => {
    const match = ISO_DATE.exec(isoDate);
    if (!match) return isoDate;
    return format.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))));
  };
}

/** "Mar 2021 – Jun 2023", or "Mar 2021 – present" for a position still held. */
export function dateRange(format: MonthFormatter, startDate: string, endDate: string | null): string {
  return `${format(startDate)} – ${endDate ? format(endDate) : 'present'}`;
}
