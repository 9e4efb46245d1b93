import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepStaleUploads } from './upload.js';

describe('sweepStaleUploads', () => {
  it('deletes only upload temp files older than the limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keen-sweep-'));
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    for (const name of ['keen-upload-old', 'keen-upload-new', 'other-old'])
      writeFileSync(join(dir, name), 'x');
    utimesSync(join(dir, 'keen-upload-old'), twoHoursAgo, twoHoursAgo);
    utimesSync(join(dir, 'other-old'), twoHoursAgo, twoHoursAgo);
    expect(await sweepStaleUploads(dir)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['keen-upload-new', 'other-old']);
    expect(await sweepStaleUploads(join(dir, 'missing'))).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
