// Serving media: the app serves MEDIA_ROOT with local storage unless SERVE_MEDIA=false (nginx answers
// first in production), with safe headers and paths, caching and 304s; S3 media URLs point at the bucket
// or custom domain, which the CSP allows for images.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import { localBackend, PDF_BYTES, pngBytes, removeTempDirs, tempDir } from './support.js';

describe(`serving media (${ENGINE})`, () => {
  let database: TestDatabase;
  // MEDIA_ROOT inside a folder of its own, so the "outside" file is ours too.
  const parent = tempDir('serving');
  const mediaRoot = join(parent, 'media');
  const local = localBackend(mediaRoot);
  let png: Buffer;
  const apps: TestApp[] = [];
  const app = async (env: Record<string, string>) => {
    const t = await createTestApp({ database, env });
    apps.push(t);
    return t;
  };
  const get = (t: TestApp, url: string) => t.app.inject({ url, headers: { host: 'localhost' } });

  beforeAll(async () => {
    database = await createTestDatabase();
    png = await pngBytes(40, 30);
    mkdirSync(join(mediaRoot, 'uploads'), { recursive: true });
    writeFileSync(join(mediaRoot, 'uploads', 'pic.png'), png);
    writeFileSync(join(mediaRoot, 'uploads', 'doc.pdf'), PDF_BYTES);
    writeFileSync(join(mediaRoot, 'uploads', '.hidden.png'), png);
    writeFileSync(join(mediaRoot, '..', 'outside-media.png'), png);
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    await database?.close();
    removeTempDirs();
  });

  it('serves local media with the stored type, nosniff and a sandboxing CSP, cached, with 304s', async () => {
    const t = await app({ ...local.env });
    const image = await get(t, '/media/uploads/pic.png');
    expect(image.statusCode).toBe(200);
    expect(image.headers).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-disposition': 'inline',
      'content-length': String(png.length),
    });
    expect(image.headers['content-security-policy']).toContain('sandbox');
    expect(image.rawPayload).toEqual(png);
    expect(image.headers['set-cookie']).toBeUndefined();
    expect(image.headers['cache-control']).toBe('public, max-age=604800');
    const etag = String(image.headers.etag);
    const again = await t.app.inject({
      url: '/media/uploads/pic.png',
      headers: { host: 'localhost', 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);

    const pdf = await get(t, '/media/uploads/doc.pdf');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe('attachment');

    const head = await t.app.inject({
      method: 'HEAD',
      url: '/media/uploads/pic.png',
      headers: { host: 'localhost' },
    });
    expect(head.statusCode).toBe(200);
  });

  it('no path leaves MEDIA_ROOT or reaches a hidden file', async () => {
    const t = await app({ ...local.env, DEBUG: 'true' });
    const paths = [
      '/media/../outside-media.png',
      '/media/%2e%2e/outside-media.png',
      '/media/uploads%2f..%2f..%2foutside-media.png',
      '/media/uploads/..%2f..%2foutside-media.png',
      '/media/uploads/pic.png%00.txt',
      '/media/uploads/.hidden.png',
      '/media/uploads%5cpic.png',
      '/media/uploads/missing.png',
      '/media/',
    ];
    // A NUL is refused by the common stage (400) before the media route sees it; the rest are 404.
    for (const path of paths)
      expect((await get(t, path)).statusCode, path).toBe(path.includes('%00') ? 400 : 404);
  });

  it('with SERVE_MEDIA=false the app does not serve /media/ (nginx does), even for existing files', async () => {
    const t = await app({ ...local.env, SERVE_MEDIA: 'false' });
    expect((await get(t, '/media/uploads/pic.png')).statusCode).toBe(404);
    // DEBUG keeps browsers checking, so a replaced file shows at once while developing.
    const debug = await app({ ...local.env, DEBUG: 'true' });
    expect((await get(debug, '/media/uploads/pic.png')).headers['cache-control']).toBe('no-cache');
  });

  it('with S3, URLs point at endpoint/bucket, or the custom domain, which the CSP allows for images', async () => {
    const s3Env = {
      MEDIA_STORAGE: 's3',
      S3_ENDPOINT_URL: 'https://account.r2.cloudflarestorage.com',
      S3_BUCKET: 'site-media',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
    };
    const plain = await app({ ...s3Env, DEBUG: 'true' });
    expect(plain.app.media.url('uploads/a.png')).toBe(
      'https://account.r2.cloudflarestorage.com/site-media/uploads/a.png',
    );
    // No local serving with S3, even in DEBUG.
    expect((await get(plain, '/media/uploads/pic.png')).statusCode).toBe(404);
    const page = await get(plain, '/');
    expect(page.headers['content-security-policy']).toContain(
      "img-src 'self' data: https://account.r2.cloudflarestorage.com;",
    );

    const custom = await app({ ...s3Env, S3_CUSTOM_DOMAIN: 'media.example.com' });
    expect(custom.app.media.url('uploads/a.png')).toBe('https://media.example.com/uploads/a.png');
    const customPage = await get(custom, '/');
    expect(customPage.headers['content-security-policy']).toContain(
      "img-src 'self' data: https://media.example.com;",
    );

    const localPage = await get(await app(local.env), '/');
    expect(localPage.headers['content-security-policy']).toContain("img-src 'self' data:;");
  });

  it('the media service saves through the configured local storage under MEDIA_ROOT', async () => {
    const t = await app(local.env);
    await t.app.media.storage.save('uploads/2026/11/x.pdf', Readable.from([PDF_BYTES]), {
      contentType: 'application/pdf',
      size: PDF_BYTES.length,
    });
    expect(local.list()).toContain('uploads/2026/11/x.pdf');
    expect(t.app.media.url('uploads/2026/11/x.pdf')).toBe('/media/uploads/2026/11/x.pdf');
  });
});
