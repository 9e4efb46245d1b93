import { describe, expect, it } from 'vitest';
import { formatCalendarDate, formatDate } from './dates.js';

describe('dates in the page language', () => {
  const evening = new Date('2026-12-05T22:30:00Z'); // 01:30 on the 6th in Moscow

  it('writes a day with the month in the genitive in Russian, without "г."', () => {
    expect(formatDate(evening, 'ru', 'UTC')).toBe('5 декабря 2026');
    expect(formatDate(new Date('2026-03-08T12:00:00Z'), 'ru-ru', 'UTC')).toBe('8 марта 2026');
    expect(formatDate(evening, 'en', 'UTC')).toBe('December 5, 2026');
  });

  it('uses TIME_ZONE for the day', () => {
    expect(formatDate(evening, 'ru', 'Europe/Moscow')).toBe('6 декабря 2026');
    expect(formatDate(evening, 'en-us', 'America/New_York')).toBe('December 5, 2026');
  });

  it('writes a month on its own in the nominative', () => {
    expect(formatCalendarDate('2022-03-01', 'ru', 'month')).toBe('март 2022');
    expect(formatCalendarDate('2022-03-01', 'en', 'month')).toBe('March 2022');
    expect(formatCalendarDate('2022-03-31', 'ru', 'day')).toBe('31 марта 2022');
  });

  it('shows a value that is not a date as it is, and survives an unknown language', () => {
    expect(formatCalendarDate('soon', 'ru', 'month')).toBe('soon');
    expect(formatDate(evening, 'x-not-a-language-tag-at-all', 'UTC')).toBe('December 5, 2026');
  });
});
