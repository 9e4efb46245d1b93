// Both storage backends pass the same conformance suite, plus what is particular to each: the local
// one's temp files and symlinks, the S3 one's credentials and failures.

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalMediaStorage } from '../../src/contrib/media/local-storage.js';
import { S3MediaStorage } from '../../src/contrib/media/s3-storage.js';
import { MediaNameError, MediaStorageError } from '../../src/errors.js';
import { Secret } from '../../src/settings.js';
import { storageConformance } from './storage-conformance.js';
import {
  listFiles,
  removeTempDirs,
  S3_BUCKET,
  S3_KEY,
  type S3Server,
  s3Backend,
  startS3,
  tempDir,
  waitFor,
} from './support.js';

const localRoot = tempDir('media');
storageConformance('local disk', async () => ({
  storage: new LocalMediaStorage(localRoot, '/media/'),
  publicBase: '/media/',
  // Hidden temp files count too: a failed save must not leave one.
  list: () => listFiles(localRoot),
}));

let s3: S3Server;
const s3Config = (overrides: Partial<{ accessKeyId: string; endpointUrl: string }> = {}) => ({
  endpointUrl: s3.endpoint,
  bucket: S3_BUCKET,
  accessKeyId: S3_KEY,
  secretAccessKey: new Secret(S3_KEY),
  region: 'auto',
  publicBaseUrl: `${s3.endpoint}/${S3_BUCKET}`,
  ...overrides,
});
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.close();
  removeTempDirs();
});

storageConformance('S3 (s3rver)', async () => ({
  storage: new S3MediaStorage(s3Config()),
  publicBase: `${s3.endpoint}/${S3_BUCKET}/`,
  list: () => s3Backend(s3).list(),
  keepsBrokenPuts: true,
}));

describe('local storage specifics', () => {
  it('writes through a hidden temp file in the same folder and renames it', async () => {
    const root = tempDir('media');
    const storage = new LocalMediaStorage(root, '/media/');
    let seenDuringWrite: string[] = [];
    const stream = Readable.from(
      (async function* () {
        yield Buffer.from('%PDF-');
        // The temp file appears once the write stream has opened it.
        await waitFor(() => listFiles(root).length > 0, 'the temp file');
        seenDuringWrite = listFiles(root);
        yield Buffer.from('rest');
      })(),
    );
    await storage.save('uploads/a.pdf', stream, { contentType: 'application/pdf', size: 9 });
    expect(seenDuringWrite).toHaveLength(1);
    expect(seenDuringWrite[0]).toMatch(/^uploads\/\.a\.pdf\.[0-9a-f]+\.tmp$/);
    expect(listFiles(root)).toEqual(['uploads/a.pdf']);
  });

  it('refuses to read, write or delete through a symlink that leads outside MEDIA_ROOT', async () => {
    const root = tempDir('media');
    const outside = tempDir('outside');
    writeFileSync(join(outside, 'secret.png'), 'secret');
    symlinkSync(outside, join(root, 'linked'));
    mkdirSync(join(root, 'uploads'));
    symlinkSync(join(outside, 'secret.png'), join(root, 'uploads', 'file.png'));
    const storage = new LocalMediaStorage(root, '/media/');
    await expect(storage.open('linked/secret.png')).rejects.toBeInstanceOf(MediaNameError);
    await expect(storage.open('uploads/file.png')).rejects.toBeInstanceOf(MediaNameError);
    const write = storage.save('linked/new.png', Readable.from([Buffer.from('x')]), {
      contentType: 'image/png',
      size: 1,
    });
    await expect(write).rejects.toBeInstanceOf(MediaNameError);
    await expect(storage.delete('linked/secret.png')).rejects.toBeInstanceOf(MediaNameError);
    expect(listFiles(outside)).toEqual(['secret.png']);
  });
});

describe('S3 storage specifics', () => {
  it('an unknown access key is a storage error naming the S3 code, never the secret', async () => {
    const storage = new S3MediaStorage({
      ...s3Config({ accessKeyId: 'WRONG' }),
      secretAccessKey: new Secret('hunter2-secret'),
    });
    const error = await storage
      .save('uploads/x.pdf', Readable.from([Buffer.from('%PDF-')]), {
        contentType: 'application/pdf',
        size: 5,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaStorageError);
    expect((error as MediaStorageError).detail).toContain('InvalidAccessKeyId');
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(inspect(storage, { depth: 5 })).not.toContain('hunter2');
    expect(JSON.stringify(storage)).not.toContain('hunter2');
  });

  it('an unreachable endpoint is a storage error, not a crash', async () => {
    const storage = new S3MediaStorage(s3Config({ endpointUrl: 'http://127.0.0.1:1' }));
    await expect(storage.exists('uploads/x.pdf')).rejects.toBeInstanceOf(MediaStorageError);
  });

  it('objects are stored path-style with their content type and a long cache lifetime', async () => {
    const storage = new S3MediaStorage(s3Config());
    await storage.save('uploads/c.pdf', Readable.from([Buffer.from('%PDF-')]), {
      contentType: 'application/pdf',
      size: 5,
    });
    // s3rver serves public reads, like a bucket behind a custom domain.
    const response = await fetch(`${s3.endpoint}/${S3_BUCKET}/uploads/c.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('cache-control')).toContain('max-age=31536000');
    expect(await response.text()).toBe('%PDF-');
  });
});
