// Uploads through the real pipeline, on both storage backends: generated names, limits, type by
// content, images decoded, and no orphan object or dangling row when a request fails midway.
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { count, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installedApps } from '../../src/installed-apps.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { listenOnLoopback } from '../support/listen.js';
import {
  type Backend,
  createDocumentsTable,
  documents,
  localBackend,
  tempDir as makeTempDir,
  multipart,
  type Part,
  PDF_BYTES,
  pngBytes,
  postMultipart,
  removeTempDirs,
  type S3Server,
  s3Backend,
  startS3,
  uploadTestApp,
  waitFor,
} from './support.js';

const MAX_SIZE = 100_000;
const GENERATED = /^uploads\/\d{4}\/\d{2}\/[0-9a-f]{32}\.(png|pdf)$/;

describe.each(['local', 's3'] as const)(`uploads on %s storage (${ENGINE})`, (backendName) => {
  let s3: S3Server | undefined;
  let backend: Backend;
  /** The stored originals, once the thumbnails being made in the background are done (they are derived). */
  const originals = async () => {
    await t.app.media.thumbnails.settled();
    return backend.list().filter((name) => !name.startsWith('thumbs/'));
  };
  let t: TestApp;
  let tempDir: string;
  let png: Buffer;

  beforeAll(async () => {
    if (backendName === 's3') s3 = await startS3();
    backend = s3 ? s3Backend(s3) : localBackend();
    tempDir = makeTempDir('upload-tmp');
    t = await createTestApp({
      env: { ...backend.env, FILE_UPLOAD_TEMP_DIR: tempDir, FILE_UPLOAD_MAX_SIZE: String(MAX_SIZE) },
      apps: [...installedApps, uploadTestApp],
    });
    await createDocumentsTable(t.database);
    png = await pngBytes(120, 80);
  });

  afterAll(async () => {
    await t?.close();
    await s3?.close();
    removeTempDirs();
  });

  beforeEach(async () => {
    backend.clear();
    await t.database.db.delete(documents);
  });

  /** Posts a multipart form with a fresh session and token (`_csrf` first unless `token: false`). */
  const upload = (parts: [string, Part][], options: { token?: boolean } = {}) =>
    postMultipart(t.app, (token) => (options.token === false ? parts : [['_csrf', token], ...parts]));

  const rows = async () => (await t.database.db.select({ n: count() }).from(documents))[0]?.n;
  const tempFiles = () => readdirSync(tempDir);

  it('stores an image and a PDF under generated names, with sizes, types and dimensions', async () => {
    const res = await upload([
      ['title', 'first'],
      ['image', { filename: 'holiday photo.png', type: 'image/png', data: png }],
      ['attachment', { filename: 'C:\\Users\\me\\report.pdf', type: 'application/pdf', data: PDF_BYTES }],
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const row = res.json();
    expect(row.image).toMatchObject({ size: png.length, contentType: 'image/png', width: 120, height: 80 });
    expect(row.image.originalName).toBe('holiday photo.png');
    expect(row.attachment).toMatchObject({ size: PDF_BYTES.length, contentType: 'application/pdf' });
    expect(row.attachment.originalName).toBe('report.pdf');
    expect(row.image.name).toMatch(GENERATED);
    expect(row.attachment.name).toMatch(GENERATED);
    expect(row.image.name.endsWith('.png')).toBe(true);
    expect(await originals()).toEqual([row.image.name, row.attachment.name].sort());

    const [stored] = await t.database.db.select().from(documents).where(eq(documents.title, 'first'));
    expect(stored?.image).toEqual(row.image);
    const opened = await t.app.media.storage.open(row.image.name);
    expect(Buffer.concat(await opened.stream.toArray())).toEqual(png);
    expect(opened.contentType).toBe('image/png');
    await waitFor(() => tempFiles().length === 0, 'the temp files to go');
  });

  it('never uses the client file name as a path (traversal names are only metadata)', async () => {
    const res = await upload([
      ['title', 'traversal'],
      ['image', { filename: '../../../etc/cron.d/evil.png', type: 'image/png', data: png }],
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().image.name).toMatch(GENERATED);
    expect(res.json().image.originalName).toBe('evil.png');
    expect(await originals()).toEqual([res.json().image.name]);
  });

  it('a file over FILE_UPLOAD_MAX_SIZE gets 413 and leaves no temp file, object or row', async () => {
    const big = Buffer.concat([png.subarray(0, 16), Buffer.alloc(MAX_SIZE + 10, 7)]);
    const res = await upload([
      ['title', 'big'],
      ['attachment', { filename: 'big.png', type: 'image/png', data: big }],
    ]);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('KEEN_E_FILE_TOO_LARGE');
    await waitFor(() => tempFiles().length === 0, 'the temp files to go');
    expect(await originals()).toEqual([]);
    expect(await rows()).toBe(0);
  });

  it('a file of exactly FILE_UPLOAD_MAX_SIZE bytes is accepted', async () => {
    const exact = Buffer.concat([PDF_BYTES, Buffer.alloc(MAX_SIZE - PDF_BYTES.length, 32)]);
    const res = await upload([
      ['title', 'exact'],
      ['attachment', { filename: 'exact.pdf', data: exact }],
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().attachment.size).toBe(MAX_SIZE);
  });

  it('the type comes from the content: a lying name and Content-Type are refused with 415', async () => {
    const cases: [string, Buffer][] = [
      ['page.png', Buffer.from('<html><script>alert(1)</script></html>')],
      ['tool.pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 1)])],
      ['tiny.jpg', Buffer.from([0xff, 0xd8])],
    ];
    for (const [filename, data] of cases) {
      const res = await upload([
        ['title', filename],
        ['attachment', { filename, type: 'image/png', data }],
      ]);
      expect(res.statusCode, filename).toBe(415);
      expect(res.json().error.code).toBe('KEEN_E_FILE_TYPE');
      expect(res.json().error.message).toContain('JPEG, PNG, WebP, GIF, or PDF');
    }
    await waitFor(() => tempFiles().length === 0, 'the temp files to go');
    expect(await originals()).toEqual([]);
    expect(await rows()).toBe(0);
  });

  it('an image field refuses a PDF (415), a fake PNG and a truncated PNG (400)', async () => {
    const pdf = await upload([
      ['title', 'pdf as image'],
      ['image', { filename: 'x.png', type: 'image/png', data: PDF_BYTES }],
    ]);
    expect(pdf.statusCode).toBe(415);
    const fake = Buffer.concat([png.subarray(0, 8), Buffer.alloc(500, 3)]);
    const truncated = png.subarray(0, Math.floor(png.length * 0.6));
    for (const data of [fake, truncated]) {
      const res = await upload([
        ['title', 'broken'],
        ['image', { filename: 'x.png', type: 'image/png', data }],
      ]);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('KEEN_E_INVALID_IMAGE');
    }
    expect(await originals()).toEqual([]);
    expect(await rows()).toBe(0);
  });

  it('an empty file input is no file; an empty named file is refused', async () => {
    const none = await upload([
      ['title', 'no file'],
      ['attachment', { filename: '', data: new Uint8Array() }],
    ]);
    expect(none.statusCode, none.body).toBe(200);
    expect(none.json().attachment).toBeNull();
    const empty = await upload([
      ['title', 'empty'],
      ['attachment', { filename: 'empty.pdf', data: new Uint8Array() }],
    ]);
    expect(empty.statusCode).toBe(400);
    expect(await originals()).toEqual([]);
  });

  it('a failing insert after the files were stored deletes them (no orphan objects)', async () => {
    const first = await upload([
      ['title', 'same'],
      ['image', { filename: 'a.png', data: png }],
    ]);
    expect(first.statusCode).toBe(200);
    const kept = await originals();
    expect(kept).toHaveLength(1);
    // The unique title makes the second insert fail after both of its files were stored.
    const second = await upload([
      ['title', 'same'],
      ['image', { filename: 'b.png', data: png }],
      ['attachment', { filename: 'b.pdf', data: PDF_BYTES }],
    ]);
    expect(second.statusCode).toBe(500);
    expect(await originals()).toEqual(kept);
    expect(await rows()).toBe(1);
  });

  it('a client that aborts midway leaves no temp file, no object and no row', async () => {
    const url = await listenOnLoopback(t.app as FastifyInstance);
    const client = new TestClient(t.app);
    const token = (await client.get('/form/')).json().token as string;
    const big = Buffer.concat([png, Buffer.alloc(60_000, 9)]);
    const { body, contentType } = await multipart([
      ['_csrf', token],
      ['title', 'aborted'],
      ['attachment', { filename: 'a.png', data: big }],
    ]);
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.on('error', () => {});
    socket.write(
      `POST /upload/ HTTP/1.1\r\nHost: localhost\r\nCookie: ${client.cookieHeader()}\r\n` +
        `Content-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body.subarray(0, Math.floor(body.length * 0.7)));
    // The server is midway: the file is arriving in its temp file.
    await waitFor(() => tempFiles().length > 0, 'the upload to start');
    socket.destroy();
    await waitFor(() => tempFiles().length === 0, 'the temp file to be deleted');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await originals()).toEqual([]);
    expect(await rows()).toBe(0);
  });
});
