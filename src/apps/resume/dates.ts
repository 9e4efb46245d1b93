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
