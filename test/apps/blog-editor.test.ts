/**
 * The post editor's endpoints (src/apps/blog/editor.ts) through the real pipeline: the preview is the
 * save's own render + sanitize, pasted images are checked like the admin's image fields and stored in
 * the media storage; both need a post permission and the CSRF token. The add page loads the editor's
 * files and data from the post admin's form assets.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBody } from '../../src/apps/blog/markup/render.js';
import { ADMIN, staffClient } from '../admin/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import type { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { multipart, type Part } from '../support/multipart.js';

const PREVIEW = `${ADMIN}blog/preview/`;
const IMAGES = `${ADMIN}blog/images/`;
/** Small limits, so "too long" and "too big" need no megabytes. */
const MAX_FIELD_BYTES = 65_536;
/** 0.1 MB, as the refusal rounds it. */
const MAX_FILE_BYTES = 104_858;

/** Posts multipart `parts` as editor.js does: the CSRF token in the header, JSON asked for. */
async function send(
  client: TestClient,
  url: string,
  parts: [string, Part][],
  options: { csrf?: boolean; language?: string } = {},
): Promise<LightMyRequestResponse> {
  const { body, contentType } = await multipart(parts);
  const headers: Record<string, string> = {
    host: 'localhost',
    'content-type': contentType,
    accept: 'application/json',
    cookie: client.cookieHeader(),
  };
  if (options.csrf !== false && client.lastCsrfToken) headers['x-csrf-token'] = client.lastCsrfToken;
  if (options.language) headers['accept-language'] = options.language;
  return client.app.inject({ method: 'POST', url, headers, payload: body, remoteAddress: '127.0.0.1' });
}

const preview = (client: TestClient, body: string, format = 'markdown', options = {}) =>
  send(
    client,
    PREVIEW,
    [
      ['body', body],
      ['body_format', format],
    ],
    options,
  );

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#2e86c1' } })
    .png()
    .toBuffer();

/** The image files stored for post bodies so far. */
function storedBodyImages(mediaRoot: string): string[] {
  const folder = join(mediaRoot, 'blog', 'body');
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true })
    .map(String)
    .filter((entry) => /\.(png|jpg|gif|webp)$/.test(entry));
}

describe(`the post editor's preview and image upload (${ENGINE})`, () => {
  const mediaRoot = mkdtempSync(join(tmpdir(), 'keen-editor-media-'));
  let t: TestApp;
  let editor: TestClient;
  let viewer: TestClient;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        MEDIA_STORAGE: 'local',
        MEDIA_ROOT: mediaRoot,
        DATA_UPLOAD_MAX_MEMORY_SIZE: String(MAX_FIELD_BYTES),
        FILE_UPLOAD_MAX_SIZE: String(MAX_FILE_BYTES),
      },
    });
    editor = await staffClient(t, 'editor', { perms: ['blog.add_post'] });
    viewer = await staffClient(t, 'viewer', { perms: ['blog.view_post', 'blog.change_category'] });
    // Each client's CSRF token comes from an admin page, as in the browser.
    expect((await editor.get(`${ADMIN}blog/post/add/`)).statusCode).toBe(200);
    expect((await viewer.get(ADMIN)).statusCode).toBe(200);
  }, 30_000);

  afterAll(async () => {
    await t?.close();
    rmSync(mediaRoot, { recursive: true, force: true });
  });

  it('loads the editor on the add page as files, with its URLs and words in data attributes', async () => {
    const page = await editor.get(`${ADMIN}blog/post/add/`, { headers: { 'accept-language': 'ru' } });
    expect(page.body).toMatch(/<script src="\/static\/blog\/js\/editor\.js" defer><\/script>/);
    expect(page.body).toContain('<link rel="stylesheet" href="/static/blog/css/editor.css"/>');
    expect(page.body).toContain(`data-preview-url="${PREVIEW}"`);
    expect(page.body).toContain(`data-image-url="${IMAGES}"`);
    expect(page.body).toContain('data-post-editor="body"');
    // The script's words in the page's language, escaped into the attribute.
    expect(page.body).toContain('Предпросмотр');
    // No inline script anywhere (the CSP would block it).
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    // The files are served.
    for (const path of ['/static/blog/js/editor.js', '/static/blog/css/editor.css']) {
      expect((await t.app.inject({ url: path, headers: { host: 'localhost' } })).statusCode).toBe(200);
    }
  });

  it('renders Markdown exactly as a save does', async () => {
    const source = '# Ridgeway\n\nDay *one*, [map](https://example.com/map).\n\n```ts\nconst a = 1;\n```';
    const response = await preview(editor, source);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const { html } = response.json() as { html: string };
    // Headings move down a level: the post page's title is its one h1.
    expect(html).toContain('<h2>Ridgeway</h2>');
    expect(html).toContain('<em>one</em>');
    expect(html).toContain('class="hljs-keyword"');
    expect(html).toBe(await renderBody(source, 'markdown'));
  });

  it('sanitizes scripts and event handlers in both formats', async () => {
    const attack =
      'Hi <script>alert(1)</script><img src="x.png" onerror="alert(2)"> <a href="javascript:alert(3)">x</a>';
    for (const format of ['markdown', 'html']) {
      const response = await preview(editor, attack, format);
      expect(response.statusCode).toBe(200);
      const { html } = response.json() as { html: string };
      expect(html).toContain('Hi');
      expect(html).not.toMatch(/<script|onerror|javascript:/i);
      expect(html).toBe(await renderBody(attack, format as 'markdown' | 'html'));
    }
  });

  it('refuses bad input with a 400 in the editor’s language, and a body over the field cap', async () => {
    const unknown = await preview(editor, 'x', 'rst', { language: 'ru' });
    expect(unknown.statusCode).toBe(400);
    expect((unknown.json() as { error: string }).error).toContain('Для предпросмотра');
    const missing = await send(editor, PREVIEW, [['body_format', 'markdown']]);
    expect(missing.statusCode).toBe(400);
    expect((missing.json() as { error: string }).error).toContain('Send the body');
    // The same cap as the post form's body field: DATA_UPLOAD_MAX_MEMORY_SIZE per field.
    expect((await preview(editor, 'a'.repeat(MAX_FIELD_BYTES - 100))).statusCode).toBe(200);
    expect((await preview(editor, 'a'.repeat(MAX_FIELD_BYTES + 1))).statusCode).toBe(413);
  });

  it('is 403 for staff without a post permission, and without the CSRF token', async () => {
    expect((await preview(viewer, '# no')).statusCode).toBe(403);
    const image = await png(8, 8);
    const upload = await send(viewer, IMAGES, [
      ['image', { filename: 'a.png', type: 'image/png', data: image }],
    ]);
    expect(upload.statusCode).toBe(403);
    const noToken = await preview(editor, '# no', 'markdown', { csrf: false });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.body).toContain('KEEN_E_CSRF');
    const uploadNoToken = await send(editor, IMAGES, [['image', { filename: 'a.png', data: image }]], {
      csrf: false,
    });
    expect(uploadNoToken.statusCode).toBe(403);
    // An anonymous visitor is sent to the login page, never shown a preview.
    const anonymous = await t.app.inject({ method: 'POST', url: PREVIEW, headers: { host: 'localhost' } });
    expect(anonymous.statusCode).toBe(403);
  });

  it('stores a pasted PNG under blog/body/YYYY/MM/ and the returned URL serves it', async () => {
    const image = await png(64, 48);
    const response = await send(editor, IMAGES, [
      ['image', { filename: 'Ridge line.png', type: 'image/png', data: image }],
    ]);
    expect(response.statusCode).toBe(200);
    const { url, name } = response.json() as { url: string; name: string };
    expect(name).toBe('Ridge line.png');
    const now = new Date();
    const month = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(url).toMatch(new RegExp(`^/media/blog/body/${month}/[0-9a-f]{32}\\.png$`));
    expect(existsSync(join(mediaRoot, url.replace(/^\/media\//, '')))).toBe(true);
    const served = await t.app.inject({ url, headers: { host: 'localhost' } });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.rawPayload.equals(image)).toBe(true);
  });

  it('refuses a non-image, a fake image, a too big image and a missing file with a clear 400', async () => {
    const before = storedBodyImages(mediaRoot);
    const refused = async (parts: [string, Part][], language?: string) => {
      const response = await send(editor, IMAGES, parts, { language });
      expect(response.statusCode).toBe(400);
      return (response.json() as { error: string }).error;
    };
    const text = Buffer.from('just some words, not a picture');
    expect(await refused([['image', { filename: 'notes.png', type: 'image/png', data: text }]])).toBe(
      'This type of file is not accepted: upload a JPEG, PNG, WebP, or GIF file.',
    );
    const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
    expect(await refused([['image', { filename: 'doc.pdf', data: pdf }]], 'ru')).toMatch(
      /^Файлы этого типа не принимаются/,
    );
    // A PNG signature over junk: sniffed as PNG, refused when decoded.
    const fake = Buffer.concat([(await png(4, 4)).subarray(0, 16), Buffer.alloc(64, 7)]);
    expect(await refused([['image', { filename: 'fake.png', data: fake }]])).toBe(
      'The image is damaged or not a valid image.',
    );
    const noise = await sharp(
      Buffer.from(Array.from({ length: 200 * 200 * 3 }, (_, i) => (i * 7919) % 256)),
      {
        raw: { width: 200, height: 200, channels: 3 },
      },
    )
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(noise.length).toBeGreaterThan(MAX_FILE_BYTES);
    expect(await refused([['image', { filename: 'big.png', data: noise }]])).toMatch(
      'The file is too large: the limit is 0.1 MB.',
    );
    expect(await refused([['caption', 'no file here']])).toBe('Choose an image file to upload.');
    // Nothing refused was stored.
    expect(storedBodyImages(mediaRoot)).toEqual(before);
  });
});
