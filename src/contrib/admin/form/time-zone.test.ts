import { describe, expect, test } from 'vitest';
import { daysInMonth, formatInZone, parseInZone } from './time-zone.js';

const utc = (iso: string) => new Date(iso);

describe('formatInZone', () => {
  test('UTC shows the instant as it is', () => {
    expect(formatInZone(utc('2024-05-06T07:08:00Z'), 'UTC')).toBe('2024-05-06T07:08');
  });

  test('Europe/Moscow is three hours ahead (no DST since 2014), across midnight', () => {
    expect(formatInZone(utc('2024-01-15T09:30:00Z'), 'Europe/Moscow')).toBe('2024-01-15T12:30');
    expect(formatInZone(utc('2024-12-31T22:15:00Z'), 'Europe/Moscow')).toBe('2025-01-01T01:15');
  });

  test('America/New_York follows daylight saving time', () => {
    expect(formatInZone(utc('2024-01-10T17:00:00Z'), 'America/New_York')).toBe('2024-01-10T12:00');
    expect(formatInZone(utc('2024-07-10T17:00:00Z'), 'America/New_York')).toBe('2024-07-10T13:00');
    // The spring-forward jump: 06:59Z is 01:59 EST, 07:00Z is 03:00 EDT.
    expect(formatInZone(utc('2024-03-10T06:59:00Z'), 'America/New_York')).toBe('2024-03-10T01:59');
    expect(formatInZone(utc('2024-03-10T07:00:00Z'), 'America/New_York')).toBe('2024-03-10T03:00');
    // The fall-back overlap: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(formatInZone(utc('2024-11-03T05:30:00Z'), 'America/New_York')).toBe('2024-11-03T01:30');
    expect(formatInZone(utc('2024-11-03T06:30:00Z'), 'America/New_York')).toBe('2024-11-03T01:30');
  });

  test('half-hour offsets', () => {
    expect(formatInZone(utc('2024-01-01T00:00:00Z'), 'Asia/Kolkata')).toBe('2024-01-01T05:30');
  });

  test('seconds appear only when not zero; milliseconds are dropped', () => {
    expect(formatInZone(utc('2024-05-06T07:08:09.999Z'), 'UTC')).toBe('2024-05-06T07:08:09');
    expect(formatInZone(utc('2024-05-06T07:08:00.500Z'), 'UTC')).toBe('2024-05-06T07:08');
  });

  test('early years are padded to four digits', () => {
    const date = new Date(Date.UTC(2000, 0, 2, 3, 4));
    date.setUTCFullYear(5);
    expect(formatInZone(date, 'UTC')).toBe('0005-01-02T03:04');
  });

  test('an invalid date or unknown zone is a programming error', () => {
    expect(() => formatInZone(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
    expect(() => formatInZone(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('parseInZone', () => {
  test('reads minutes, seconds and milliseconds', () => {
    expect(parseInZone('2024-05-06T07:08', 'UTC')?.toISOString()).toBe('2024-05-06T07:08:00.000Z');
    expect(parseInZone('2024-05-06T07:08:09', 'UTC')?.toISOString()).toBe('2024-05-06T07:08:09.000Z');
    expect(parseInZone('2024-05-06T07:08:09.5', 'UTC')?.toISOString()).toBe('2024-05-06T07:08:09.500Z');
    expect(parseInZone(' 2024-05-06 07:08 ', 'UTC')?.toISOString()).toBe('2024-05-06T07:08:00.000Z');
  });

  test('Europe/Moscow', () => {
    expect(parseInZone('2024-07-01T12:00', 'Europe/Moscow')?.toISOString()).toBe('2024-07-01T09:00:00.000Z');
    expect(parseInZone('2025-01-01T01:15', 'Europe/Moscow')?.toISOString()).toBe('2024-12-31T22:15:00.000Z');
  });

  test('Europe/Moscow history: the 2011 jump to +04 and the 2014 return to +03', () => {
    // 2011-03-27 02:00 +03 became 03:00 +04: 02:30 does not exist and is read with the old offset.
    expect(parseInZone('2011-03-27T02:30', 'Europe/Moscow')?.toISOString()).toBe('2011-03-26T23:30:00.000Z');
    // 2014-10-26 02:00 +04 became 01:00 +03: 01:30 happened twice, the earlier (+04) is chosen.
    expect(parseInZone('2014-10-26T01:30', 'Europe/Moscow')?.toISOString()).toBe('2014-10-25T21:30:00.000Z');
    expect(parseInZone('2014-10-26T02:30', 'Europe/Moscow')?.toISOString()).toBe('2014-10-25T23:30:00.000Z');
  });

  test('America/New_York spring forward: the edges, and a time in the gap moves forward', () => {
    const zone = 'America/New_York';
    expect(parseInZone('2024-03-10T01:59', zone)?.toISOString()).toBe('2024-03-10T06:59:00.000Z');
    expect(parseInZone('2024-03-10T03:00', zone)?.toISOString()).toBe('2024-03-10T07:00:00.000Z');
    // 02:00–02:59 do not exist: read as EST, which is 03:00–03:59 EDT.
    const inGap = parseInZone('2024-03-10T02:30', zone)!;
    expect(inGap.toISOString()).toBe('2024-03-10T07:30:00.000Z');
    expect(formatInZone(inGap, zone)).toBe('2024-03-10T03:30');
    expect(parseInZone('2024-03-10T02:00', zone)?.toISOString()).toBe('2024-03-10T07:00:00.000Z');
  });

  test('America/New_York fall back: a repeated time is its first (EDT) occurrence', () => {
    const zone = 'America/New_York';
    expect(parseInZone('2024-11-03T00:59', zone)?.toISOString()).toBe('2024-11-03T04:59:00.000Z');
    expect(parseInZone('2024-11-03T01:00', zone)?.toISOString()).toBe('2024-11-03T05:00:00.000Z');
    expect(parseInZone('2024-11-03T01:30', zone)?.toISOString()).toBe('2024-11-03T05:30:00.000Z');
    expect(parseInZone('2024-11-03T01:59:59', zone)?.toISOString()).toBe('2024-11-03T05:59:59.000Z');
    expect(parseInZone('2024-11-03T02:00', zone)?.toISOString()).toBe('2024-11-03T07:00:00.000Z');
  });

  test('every hour of a DST year survives format → parse → format', () => {
    const zone = 'America/New_York';
    const start = Date.UTC(2024, 0, 1);
    const end = Date.UTC(2025, 0, 1);
    let repeated = 0;
    for (let instant = start; instant < end; instant += 3_600_000 + 60_000 * 7) {
      const shown = formatInZone(new Date(instant), zone);
      const parsed = parseInZone(shown, zone)!;
      expect(formatInZone(parsed, zone)).toBe(shown);
      // Only the second pass through the fall-back hour parses to a different (the earlier) instant.
      if (parsed.getTime() !== instant) {
        repeated += 1;
        expect(instant - parsed.getTime()).toBe(3_600_000);
      }
    }
    expect(repeated).toBeLessThanOrEqual(1);
  });

  test('UTC and early years', () => {
    expect(parseInZone('0001-01-01T00:00', 'UTC')?.toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(parseInZone('2024-02-29T23:59:59', 'UTC')?.toISOString()).toBe('2024-02-29T23:59:59.000Z');
  });

  test.each([
    '',
    'garbage',
    '2024-05-06',
    '2024-5-06T07:08',
    '2024-05-06T7:08',
    '2024-05-06T07:08Z',
    '2024-05-06T07:08+03:00',
    '2024-13-01T00:00',
    '2024-00-10T00:00',
    '2024-02-30T10:00',
    '2023-02-29T10:00',
    '2024-04-31T10:00',
    '2024-01-01T24:00',
    '2024-01-01T23:60',
    '2024-01-01T23:59:60',
    '0000-01-01T00:00',
  ])('%j is not a date-time', (text) => {
    expect(parseInZone(text, 'Europe/Moscow')).toBeNull();
  });

  test('an unknown zone is a programming error', () => {
    expect(() => parseInZone('2024-01-01T00:00', 'Nowhere/Special')).toThrow(RangeError);
  });
});

test('daysInMonth follows the Gregorian leap rules', () => {
  expect([2023, 2024, 1900, 2000].map((year) => daysInMonth(year, 2))).toEqual([28, 29, 28, 29]);
  expect(daysInMonth(2024, 4)).toBe(30);
  expect(daysInMonth(2024, 12)).toBe(31);
});
