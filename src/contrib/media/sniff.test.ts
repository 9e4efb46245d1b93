import { describe, expect, it } from 'vitest';
import { sniffFileKind } from './sniff.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
  );

describe('sniffFileKind', () => {
  it('recognises each accepted type by its magic bytes', () => {
    expect(sniffFileKind(bytes([0xff, 0xd8, 0xff, 0xe0], 'xxxxxxxx'))).toBe('jpeg');
    expect(sniffFileKind(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'xxxx'))).toBe('png');
    expect(sniffFileKind(bytes('GIF87a', 'xxxxxx'))).toBe('gif');
    expect(sniffFileKind(bytes('GIF89a', 'xxxxxx'))).toBe('gif');
    expect(sniffFileKind(bytes('RIFF', [1, 2, 3, 4], 'WEBP'))).toBe('webp');
    expect(sniffFileKind(bytes('%PDF-1.7'))).toBe('pdf');
  });

  it('refuses near misses and other types', () => {
    const misses = [
      bytes([0xff, 0xd8]), // too short for JPEG
      bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0b]), // one byte off PNG
      bytes('GIF88a', 'xxxxxx'),
      bytes('RIFF', [1, 2, 3, 4], 'WAVE'), // a RIFF that is audio
      bytes('%PDF'),
      bytes('<svg xmlns="http://www.w3.org/2000/svg">'),
      bytes('<!doctype html>'),
      bytes('MZ', [0x90, 0, 3, 0]),
      Buffer.alloc(0),
    ];
    for (const head of misses) expect(sniffFileKind(head), head.toString('latin1')).toBeNull();
  });
});
