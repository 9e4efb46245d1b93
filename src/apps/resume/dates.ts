/**
 * Résumé dates: `date` columns ('YYYY-MM-DD' strings) shown as month and year in the page's language,
 * e.g. "March 2021 – present" / "март 2021 – по настоящее время".
 */
import { formatCalendarDate } from '../../i18n/dates.js';
import type { MessageId, Translate } from '../../i18n/messages.js';
import type { resumeMessages } from './messages.js';

/** The span of a position; an open end is "present". */
export function dateRange(
  t: Translate<MessageId<typeof resumeMessages>>,
  language: string,
  startDate: string,
  endDate: string | null,
): string {
  return t('dates.range', {
    start: formatCalendarDate(startDate, language, 'month'),
    end: endDate ? formatCalendarDate(endDate, language, 'month') : t('dates.present'),
  });
}

/** Whole months from `start` to `end` (both 'YYYY-MM-DD'), counting the starting month: Jan–Mar is 3. */
export function monthsBetween(start: string, end: string): number {
  const [startYear, startMonth] = start.split('-').map(Number) as [number, number];
  const [endYear, endMonth] = end.split('-').map(Number) as [number, number];
  return Math.max(1, (endYear - startYear) * 12 + (endMonth - startMonth) + 1);
}

/** Today as a calendar date in `timeZone` ('YYYY-MM-DD'). */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/**
 * How long a position lasted, in the page's language: "2 years 5 months" / "2 года 5 месяцев"; an
 * open end counts to `today`.
 */
export function durationText(
  t: Translate<MessageId<typeof resumeMessages>>,
  startDate: string,
  endDate: string | null,
  today: string,
): string {
  const months = monthsBetween(startDate, endDate ?? today);
  const years = Math.floor(months / 12);
  const rest = months % 12;
  if (years === 0) return t('duration.months', { count: rest });
  if (rest === 0) return t('duration.years', { count: years });
  return t('duration.yearsMonths', { years, months: rest });
}
