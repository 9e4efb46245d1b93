import { describe, expect, it } from 'vitest';
import { chooseEncoding, isNotModified, parseRange, rangeStillValid } from './http-rules.js';

describe('chooseEncoding', () => {
  const both = ['br', 'gzip'] as const;

  it('prefers brotli, falls back to gzip, and to the plain file', () => {
    expect(chooseEncoding('gzip, deflate, br', both)).toBe('br');
    expect(chooseEncoding('gzip, deflate', both)).toBe('gzip');
    expect(chooseEncoding('identity', both)).toBeNull();
    expect(chooseEncoding(undefined, both)).toBeNull();
    expect(chooseEncoding('br', ['gzip'])).toBeNull();
  });

  it('respects q values: q=0 refuses, a higher q wins, * covers the rest', () => {
    expect(chooseEncoding('br;q=0, gzip', both)).toBe('gzip');
    expect(chooseEncoding('br;q=0.5, gzip;q=0.9', both)).toBe('gzip');
    expect(chooseEncoding('gzip;q=0, br;q=0', both)).toBeNull();
    expect(chooseEncoding('*', both)).toBe('br');
    expect(chooseEncoding('*;q=0.1, br;q=0', both)).toBe('gzip');
    expect(chooseEncoding('BR ; Q=1', both)).toBe('br');
  });
});

describe('isNotModified', () => {
  const etag = '"18c-2a"';
  const mtimeMs = Date.parse('2026-01-02T03:04:05.678Z');

  it('matches If-None-Match, also weak and listed tags and *', () => {
    expect(isNotModified({ 'if-none-match': etag }, etag, mtimeMs)).toBe(true);
    expect(isNotModified({ 'if-none-match': `"x", W/${etag}` }, etag, mtimeMs)).toBe(true);
    expect(isNotModified({ 'if-none-match': '*' }, etag, mtimeMs)).toBe(true);
    expect(isNotModified({ 'if-none-match': '"other"' }, etag, mtimeMs)).toBe(false);
  });

  it('uses If-Modified-Since only without If-None-Match, to the second', () => {
    const same = new Date(mtimeMs).toUTCString();
    expect(isNotModified({ 'if-modified-since': same }, etag, mtimeMs)).toBe(true);
    expect(isNotModified({ 'if-modified-since': 'Thu, 01 Jan 2026 00:00:00 GMT' }, etag, mtimeMs)).toBe(
      false,
    );
    expect(isNotModified({ 'if-modified-since': 'nonsense' }, etag, mtimeMs)).toBe(false);
    expect(isNotModified({ 'if-none-match': '"other"', 'if-modified-since': same }, etag, mtimeMs)).toBe(
      false,
    );
  });
});

describe('parseRange', () => {
  it('reads single ranges, open-ended and suffix ranges, clamping the end', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
  });

  it('is unsatisfiable past the end, and ignores what it does not understand', () => {
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    for (const header of ['bytes=0-1,5-6', 'items=0-1', 'bytes=5-1', 'bytes=-', 'bytes=a-b', undefined]) {
      expect(parseRange(header, 100), String(header)).toBeNull();
    }
  });

  it('honours If-Range only when it names the current ETag or date', () => {
    const date = 'Fri, 02 Jan 2026 03:04:05 GMT';
    expect(rangeStillValid(undefined, '"a"', date)).toBe(true);
    expect(rangeStillValid('"a"', '"a"', date)).toBe(true);
    expect(rangeStillValid('"b"', '"a"', date)).toBe(false);
    expect(rangeStillValid(date, '"a"', date)).toBe(true);
    expect(rangeStillValid('Thu, 01 Jan 2026 00:00:00 GMT', '"a"', date)).toBe(false);
  });
});
