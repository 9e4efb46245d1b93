// Where `keen import-django --media-from` reads the Django files: a folder or an R2/S3 bucket (here an
// s3rver on loopback, reached with the Django site's R2_* variable names). Names come from the Django
// database, so one that climbs out of its root is never read.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AwsClient } from 'aws4fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DjangoMediaSource, openDjangoMediaSource } from '../../src/import-django/media-source.js';
import { S3_BUCKET, S3_KEY, type S3Server, startS3 } from '../media/support.js';

const NAME = 'uploads/2025/06/План похода.pdf';
const BYTES = Buffer.from('%PDF-1.4\nплан\n%%EOF\n');

async function expectReads(source: DjangoMediaSource) {
  const fetched = await source.fetch(NAME);
  if ('missing' in fetched) throw new Error(fetched.missing);
  expect(readFileSync(fetched.path).equals(BYTES)).toBe(true);
  expect(fetched.size).toBe(BYTES.length);
  await fetched.release();
  expect(await source.fetch('uploads/none.jpg')).toEqual({ missing: expect.stringMatching(/^not in /) });
  for (const name of ['../secret.txt', 'uploads/../../secret.txt', '/etc/passwd', 'a\\b.jpg', '']) {
    expect(await source.fetch(name), name).toEqual({
      missing: 'the name is not a plain relative path; not read',
    });
  }
}

describe('the Django media source', () => {
  let s3: S3Server;
  let work: string;

  beforeAll(async () => {
    s3 = await startS3();
    work = mkdtempSync(join(tmpdir(), 'keen-django-files-'));
    // Beside the folder, where `../secret.txt` would reach.
    writeFileSync(join(work, 'secret.txt'), 'not media');
    mkdirSync(dirname(join(work, 'media', NAME)), { recursive: true });
    writeFileSync(join(work, 'media', NAME), BYTES);
    const client = new AwsClient({
      accessKeyId: S3_KEY,
      secretAccessKey: S3_KEY,
      service: 's3',
      region: 'auto',
    });
    const key = NAME.split('/').map(encodeURIComponent).join('/');
    const put = await client.fetch(`${s3.endpoint}/${S3_BUCKET}/${key}`, { method: 'PUT', body: BYTES });
    expect(put.status).toBe(200);
  });

  afterAll(async () => {
    await s3?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('reads a folder, and nothing outside it', async () => {
    const source = await openDjangoMediaSource(join(work, 'media'));
    await expectReads(source);
    await source.close();
  });

  it('reads a bucket with the Django site’s R2 settings, and removes its downloads when closed', async () => {
    const source = await openDjangoMediaSource(`s3://${S3_BUCKET}`, {
      R2_ENDPOINT_URL: s3.endpoint,
      R2_ACCESS_KEY_ID: S3_KEY,
      R2_SECRET_ACCESS_KEY: S3_KEY,
    });
    expect(source.description).toBe(`s3://${S3_BUCKET}`);
    const fetched = await source.fetch(NAME);
    if ('missing' in fetched) throw new Error(fetched.missing);
    await expectReads(source);
    await source.close();
    expect(existsSync(fetched.path)).toBe(false);
  });

  it('refuses what is neither a folder nor a bucket, and a bucket without settings', async () => {
    await expect(openDjangoMediaSource(join(work, 'none'))).rejects.toThrow(/is not a folder/);
    await expect(openDjangoMediaSource('ftp://host/media')).rejects.toThrow(/a folder or s3:\/\/bucket/);
    await expect(openDjangoMediaSource('s3://media', {})).rejects.toThrow(/S3_ENDPOINT_URL/);
  });
});
