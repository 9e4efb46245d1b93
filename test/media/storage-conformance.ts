/**
 * The behaviour every MediaStorage backend must have, as one suite: each backend's test file calls
 * it with a factory. Not a test file itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MediaStorage } from '../../src/contrib/media/storage.js';
import { MediaNameError, NotFoundError } from '../../src/errors.js';

export interface ConformanceTarget {
  storage: MediaStorage;
  /** What `url(name)` must start with. */
  publicBase: string;
  /** Every stored name, to prove a failure stored nothing (and left no temp file). */
  list(): string[];
  /**
   * The server sometimes keeps the part of a PUT that arrived before the connection broke, even after
   * the backend deletes it (s3rver does, now and then; S3 and R2 discard an incomplete PUT). Then the
   * broken-body cases can only check that the save fails.
   */
  keepsBrokenPuts?: boolean;
}

const read = async (stream: Readable) => Buffer.concat((await stream.toArray()) as Buffer[]);

/** A stream of `chunks`, then an error: a client that goes away mid-upload. */
function failingStream(chunks: Buffer[]): Readable {
  return Readable.from(
    (async function* () {
      for (const chunk of chunks) yield chunk;
      throw new Error('client went away');
    })(),
  );
}

const UNSAFE_NAMES = [
  '../escape.png',
  'uploads/../../escape.png',
  '/etc/passwd',
  'uploads//double.png',
  '.hidden',
  'uploads/.hidden.png',
  'uploads\\windows.png',
  'uploads/nul\0byte.png',
  'uploads/space name.png',
  '',
  'x'.repeat(600),
];

export function storageConformance(label: string, create: () => Promise<ConformanceTarget>): void {
  describe(`MediaStorage conformance: ${label}`, () => {
    let target: ConformanceTarget;
    let storage: MediaStorage;
    beforeAll(async () => {
      target = await create();
      storage = target.storage;
    });

    it('saves a stream and opens the same bytes, size and type', async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const chunks = Array.from({ length: 50 }, (_, i) => bytes.subarray(i * 65_000, (i + 1) * 65_000));
      chunks.push(bytes.subarray(50 * 65_000));
      await storage.save('uploads/2026/11/big.png', Readable.from(chunks), {
        contentType: 'image/png',
        size: bytes.length,
      });
      const opened = await storage.open('uploads/2026/11/big.png');
      expect(opened.size).toBe(bytes.length);
      expect(opened.contentType).toBe('image/png');
      const back = await read(opened.stream);
      expect(createHash('sha256').update(back).digest('hex')).toBe(
        createHash('sha256').update(bytes).digest('hex'),
      );
    });

    it('stat and exists describe stored files and report missing ones', async () => {
      await storage.save('uploads/doc.pdf', Readable.from([Buffer.from('%PDF-1.4 x')]), {
        contentType: 'application/pdf',
        size: 10,
      });
      const info = await storage.stat('uploads/doc.pdf');
      expect(info).toMatchObject({ size: 10, contentType: 'application/pdf' });
      expect(info?.lastModified?.getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(await storage.exists('uploads/doc.pdf')).toBe(true);
      expect(await storage.stat('uploads/missing.pdf')).toBeNull();
      expect(await storage.exists('uploads/missing.pdf')).toBe(false);
      await expect(storage.open('uploads/missing.pdf')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('saving again replaces the file', async () => {
      const save = (text: string) =>
        storage.save('uploads/replace.pdf', Readable.from([Buffer.from(text)]), {
          contentType: 'application/pdf',
          size: text.length,
        });
      await save('%PDF-first');
      await save('%PDF-second!');
      expect((await read((await storage.open('uploads/replace.pdf')).stream)).toString()).toBe(
        '%PDF-second!',
      );
    });

    it('delete removes a file; deleting a missing file is not an error', async () => {
      await storage.save('uploads/gone.pdf', Readable.from([Buffer.from('%PDF-')]), {
        contentType: 'application/pdf',
        size: 5,
      });
      await storage.delete('uploads/gone.pdf');
      expect(await storage.exists('uploads/gone.pdf')).toBe(false);
      await storage.delete('uploads/gone.pdf');
      expect(target.list()).not.toContain('uploads/gone.pdf');
    });

    it('a stream that fails midway stores nothing under the name and leaves nothing behind', async () => {
      const before = target.list();
      const stream = failingStream([randomBytes(100_000), randomBytes(100_000)]);
      await expect(
        storage.save('uploads/aborted.png', stream, { contentType: 'image/png', size: 1_000_000 }),
      ).rejects.toThrow();
      if (target.keepsBrokenPuts) return;
      expect(await storage.exists('uploads/aborted.png')).toBe(false);
      expect(target.list()).toEqual(before);
    });

    it('a stream shorter than the declared size is refused and stores nothing', async () => {
      const before = target.list();
      await expect(
        storage.save('uploads/short.pdf', Readable.from([Buffer.from('%PDF-1.4')]), {
          contentType: 'application/pdf',
          size: 500,
        }),
      ).rejects.toThrow();
      if (target.keepsBrokenPuts) return;
      expect(await storage.exists('uploads/short.pdf')).toBe(false);
      expect(target.list()).toEqual(before);
    });

    it('refuses every name that could leave the root or hide a file, in every method', async () => {
      const before = target.list();
      for (const name of UNSAFE_NAMES) {
        const label = JSON.stringify(name.slice(0, 40));
        const stream = Readable.from([Buffer.from('x')]);
        await expect(
          storage.save(name, stream, { contentType: 'image/png', size: 1 }),
          label,
        ).rejects.toBeInstanceOf(MediaNameError);
        await expect(storage.open(name), label).rejects.toBeInstanceOf(MediaNameError);
        await expect(storage.stat(name), label).rejects.toBeInstanceOf(MediaNameError);
        await expect(storage.delete(name), label).rejects.toBeInstanceOf(MediaNameError);
        expect(() => storage.url(name), label).toThrow(MediaNameError);
      }
      // Nothing new is stored. (A backend that keeps broken uploads may finish writing the previous
      // test's `uploads/short.pdf` at any moment: that one is not this test's.)
      const earlier = new Set([...before, 'uploads/short.pdf']);
      expect(target.list().filter((name) => !earlier.has(name))).toEqual([]);
    });

    it('url() is the public base followed by the name', () => {
      expect(storage.url('uploads/2026/11/abc.png')).toBe(`${target.publicBase}uploads/2026/11/abc.png`);
    });
  });
}
