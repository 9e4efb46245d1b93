import { describe, expect, it } from 'vitest';
import { MediaNameError } from '../../errors.js';
import { generateUploadName, sanitiseOriginalName } from './names.js';
import { isMediaName, mediaNameFromUrl } from './storage.js';

describe('generated upload names', () => {
  it('are <prefix>/YYYY/MM/<32 hex>.<ext>, in UTC, and never repeat', () => {
    const when = new Date('2026-11-30T23:30:00-05:00'); // already December in UTC
    const name = generateUploadName('png', 'uploads', when);
    expect(name).toMatch(/^uploads\/2026\/12\/[0-9a-f]{32}\.png$/);
    const names = new Set(Array.from({ length: 1000 }, () => generateUploadName('pdf')));
    expect(names.size).toBe(1000);
    expect(generateUploadName('jpg', 'blog/featured/')).toMatch(
      /^blog\/featured\/\d{4}\/\d{2}\/[0-9a-f]{32}\.jpg$/,
    );
  });

  it('refuse a prefix that is not a safe name', () => {
    for (const prefix of ['../up', 'a/../b', '.hidden', 'with space']) {
      expect(() => generateUploadName('png', prefix), prefix).toThrow(MediaNameError);
    }
  });
});

describe('original file names (metadata only)', () => {
  it('keep the last path segment, without controls or bidi overrides, at most 255 characters', () => {
    expect(sanitiseOriginalName('../../etc/passwd')).toBe('passwd');
    expect(sanitiseOriginalName('C:\\Users\\me\\photo.JPG')).toBe('photo.JPG');
    expect(sanitiseOriginalName('inv\u202eexe.jpg')).toBe('invexe.jpg');
    expect(sanitiseOriginalName('a\u0000b\nc.png')).toBe('abc.png');
    expect(sanitiseOriginalName('Cafe\u0301.png')).toBe('Café.png');
    expect([...sanitiseOriginalName(`${'é'.repeat(300)}.png`)]).toHaveLength(255);
    expect(sanitiseOriginalName(undefined)).toBe('');
  });
});

describe('media names in URLs', () => {
  it('decode plain names and refuse anything that could leave the root', () => {
    expect(mediaNameFromUrl('uploads/2026/11/a.png')).toBe('uploads/2026/11/a.png');
    expect(mediaNameFromUrl('uploads/a%2Db.png')).toBe('uploads/a-b.png');
    for (const tail of [
      '../a.png',
      '%2e%2e/a.png',
      'a%2fb.png',
      'a%5cb.png',
      'a%00.png',
      '.env',
      'a//b',
      '%E0%A4%A',
    ]) {
      expect(mediaNameFromUrl(tail), tail).toBeNull();
    }
    expect(isMediaName('uploads/ok_name-1.png')).toBe(true);
  });
});
