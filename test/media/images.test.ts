// Images on both backends: dimensions stored, thumbnails made once through sharp outside the request
// (after the upload, or when a page first asks, which gets the original meanwhile) and then served from
// the storage (even with the original gone), and the allow-list of widths.
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THUMBNAIL_WIDTHS } from '../../src/contrib/media/index.js';
import { installedApps } from '../../src/installed-apps.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import {
  type Backend,
  createDocumentsTable,
  localBackend,
  multipart,
  PDF_BYTES,
  pngBytes,
  removeTempDirs,
  type S3Server,
  s3Backend,
  startS3,
  tempDir,
  uploadTestApp,
} from './support.js';

describe.each(['local', 's3'] as const)(`images and thumbnails on %s storage (${ENGINE})`, (backendName) => {
  let s3: S3Server | undefined;
  let backend: Backend;
  let t: TestApp;

  beforeAll(async () => {
    if (backendName === 's3') s3 = await startS3();
    backend = s3 ? s3Backend(s3) : localBackend();
    t = await createTestApp({
      env: { ...backend.env, DEBUG: 'true', FILE_UPLOAD_TEMP_DIR: tempDir('upload-tmp') },
      apps: [...installedApps, uploadTestApp],
    });
    await createDocumentsTable(t.database);
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
    removeTempDirs();
  });

  let counter = 0;
  async function uploadImage(
    width: number,
    height: number,
  ): Promise<{
    image: { name: string; width: number; height: number };
    attachment: { name: string } | null;
  }> {
    const client = new TestClient(t.app);
    const token = (await client.get('/form/')).json().token as string;
    const { body, contentType } = await multipart([
      ['_csrf', token],
      ['title', `image ${counter++}`],
      ['image', { filename: 'p.png', data: await pngBytes(width, height) }],
      ['attachment', { filename: 'd.pdf', data: PDF_BYTES }],
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/upload/',
      headers: { host: 'localhost', cookie: client.cookieHeader(), 'content-type': contentType },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  /** The bytes at a media URL: from the app (local, DEBUG) or from the bucket (s3rver serves public reads). */
  async function fetchMedia(
    url: string,
  ): Promise<{ status: number; body: Buffer; type: string | undefined }> {
    if (url.startsWith('/')) {
      const res = await t.app.inject({ url, headers: { host: 'localhost' } });
      return { status: res.statusCode, body: res.rawPayload, type: res.headers['content-type'] as string };
    }
    const res = await fetch(url);
    return {
      status: res.status,
      body: Buffer.from(await res.arrayBuffer()),
      type: res.headers.get('content-type') ?? undefined,
    };
  }

  const thumbnail = (name: string, w: string) =>
    t.app.inject({ url: `/thumbnails/${name}?w=${w}`, headers: { host: 'localhost' } });

  const thumbsOf = (name: string) => THUMBNAIL_WIDTHS.map((width) => `thumbs/${name}-${width}.webp`);
  const allMade = (name: string) => () => thumbsOf(name).every((thumb) => backend.list().includes(thumb));

  it('stores the width and height read by decoding the image', async () => {
    const { image } = await uploadImage(233, 101);
    expect(image).toMatchObject({ width: 233, height: 101 });
    await t.app.media.thumbnails.settled(); // so the next test counts its own
  });

  it('makes every thumbnail once after an upload, outside the request, and serves the stored ones', async () => {
    const before = t.app.media.thumbnails.generated;
    const { image } = await uploadImage(400, 300);
    await t.app.media.thumbnails.settled();
    expect(allMade(image.name)()).toBe(true);
    expect(t.app.media.thumbnails.generated).toBe(before + THUMBNAIL_WIDTHS.length);

    const first = await thumbnail(image.name, '160');
    expect(first.statusCode).toBe(302);
    const location = first.headers.location as string;
    expect(location).toBe(t.app.media.url(`thumbs/${image.name}-160.webp`));
    expect(first.headers['cache-control']).toBe('public, max-age=86400');
    const served = await fetchMedia(location);
    expect(served.status).toBe(200);
    expect(served.type).toBe('image/webp');
    expect(await sharp(served.body).metadata()).toMatchObject({ format: 'webp', width: 160, height: 120 });
    // Never enlarged: the 1280 variant of a 400 px image is 400 px.
    const large = await fetchMedia(t.app.media.url(`thumbs/${image.name}-1280.webp`));
    expect(await sharp(large.body).metadata()).toMatchObject({ width: 400, height: 300 });

    // Without the original, sharp could not run again: the stored thumbnail is what is served.
    await t.app.media.storage.delete(image.name);
    const again = await thumbnail(image.name, '160');
    expect(again.headers.location).toBe(location);
    expect(t.app.media.thumbnails.generated).toBe(before + THUMBNAIL_WIDTHS.length);
  });

  it('a thumbnail not made yet: the original at once (not cached), the thumbnails made once after', async () => {
    const name = `uploads/2026/12/direct-${backendName}.png`;
    const bytes = await pngBytes(300, 300);
    await t.app.media.storage.save(name, Readable.from([bytes]), {
      contentType: 'image/png',
      size: bytes.length,
    });
    const before = t.app.media.thumbnails.generated;
    const [a, b] = await Promise.all([thumbnail(name, '320'), thumbnail(name, '320')]);
    for (const response of [a, b]) {
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe(t.app.media.url(name));
      expect(response.headers['cache-control']).toBe('no-store');
    }
    await t.app.media.thumbnails.settled();
    expect(allMade(name)()).toBe(true);
    expect(t.app.media.thumbnails.generated).toBe(before + THUMBNAIL_WIDTHS.length);
    expect((await thumbnail(name, '320')).headers.location).toBe(t.app.media.url(`thumbs/${name}-320.webp`));
  });

  it('refuses widths outside the allow-list (400) and names without thumbnails (404)', async () => {
    const { image, attachment } = await uploadImage(200, 100);
    for (const w of ['200', 'abc', '', '160.5', '99999'])
      expect((await thumbnail(image.name, w)).statusCode, w).toBe(400);
    expect((await thumbnail(attachment?.name ?? '', '160')).statusCode).toBe(404);
    expect((await thumbnail(`thumbs/${image.name}-160.webp`, '160')).statusCode).toBe(404);
    expect((await thumbnail('uploads/2026/01/missing.png', '160')).statusCode).toBe(404);
    expect((await thumbnail('..%2f..%2fpackage.json', '160')).statusCode).toBe(404);
    expect((await thumbnail('uploads/../../secret.png', '160')).statusCode).toBe(404);
  });
});
