import { describe, expect, it } from 'vitest';
import { addDays, dateIn, formatDate, parseDate, startOfDay } from './dates.js';

const day = (text: string) => parseDate(text)!;

describe('days in a time zone', () => {
  it('start at local midnight, with the offset of that day', () => {
    expect(startOfDay(day('2024-01-15'), 'UTC').toISOString()).toBe('2024-01-15T00:00:00.000Z');
    expect(startOfDay(day('2024-01-15'), 'America/New_York').toISOString()).toBe('2024-01-15T05:00:00.000Z');
    expect(startOfDay(day('2024-07-15'), 'America/New_York').toISOString()).toBe('2024-07-15T04:00:00.000Z');
    expect(startOfDay(day('2024-07-15'), 'Asia/Kathmandu').toISOString()).toBe('2024-07-14T18:15:00.000Z');
    expect(startOfDay(day('2024-07-15'), 'Pacific/Kiritimati').toISOString()).toBe(
      '2024-07-14T10:00:00.000Z',
    );
  });

  it('around daylight-saving changes: the days before and after have different offsets', () => {
    // New York springs forward at 02:00 on 2024-03-10.
    expect(startOfDay(day('2024-03-10'), 'America/New_York').toISOString()).toBe('2024-03-10T05:00:00.000Z');
    expect(startOfDay(day('2024-03-11'), 'America/New_York').toISOString()).toBe('2024-03-11T04:00:00.000Z');
    // London falls back at 02:00 on 2024-10-27.
    expect(startOfDay(day('2024-10-27'), 'Europe/London').toISOString()).toBe('2024-10-26T23:00:00.000Z');
    expect(startOfDay(day('2024-10-28'), 'Europe/London').toISOString()).toBe('2024-10-28T00:00:00.000Z');
  });

  it('start at the change when midnight is skipped, and at the first midnight when it repeats', () => {
    // Santiago springs forward at 00:00 on 2024-09-08: the day starts at 01:00 (-03).
    expect(startOfDay(day('2024-09-08'), 'America/Santiago').toISOString()).toBe('2024-09-08T04:00:00.000Z');
    // São Paulo fell back at 00:00 on 2018-02-18 to 23:00 of the 17th: the 17th's midnight was once, at -02.
    expect(startOfDay(day('2018-02-18'), 'America/Sao_Paulo').toISOString()).toBe('2018-02-18T03:00:00.000Z');
    expect(startOfDay(day('2018-02-17'), 'America/Sao_Paulo').toISOString()).toBe('2018-02-17T02:00:00.000Z');
  });

  it('today is the date where the site is, not in UTC', () => {
    const instant = new Date('2024-12-31T23:30:00Z');
    expect(formatDate(dateIn(instant, 'UTC'))).toBe('2024-12-31');
    expect(formatDate(dateIn(instant, 'Europe/Paris'))).toBe('2025-01-01');
    expect(formatDate(dateIn(instant, 'America/Los_Angeles'))).toBe('2024-12-31');
  });
});

describe('calendar dates', () => {
  it('parse only real YYYY-MM-DD days', () => {
    expect(parseDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseDate('0001-01-01')).toEqual({ year: 1, month: 1, day: 1 });
    for (const bad of [
      '2023-02-29',
      '2024-13-01',
      '2024-04-31',
      '2024-00-10',
      '0000-01-01',
      '2024-1-5',
      '2024-01-05T00:00',
      ' 2024-01-05',
      'x',
    ]) {
      expect(parseDate(bad), bad).toBeUndefined();
    }
  });

  it('move by days across months and years', () => {
    expect(formatDate(addDays(day('2024-12-31'), 1))).toBe('2025-01-01');
    expect(formatDate(addDays(day('2024-03-01'), -1))).toBe('2024-02-29');
    expect(formatDate(addDays(day('2024-01-03'), -7))).toBe('2023-12-27');
  });
});
