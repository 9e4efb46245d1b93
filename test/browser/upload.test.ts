/**
 * An image upload in a real browser (Debian's chromium through playwright-core) against the real
 * server: a plain HTML multipart form (hidden `_csrf` first, then the file input, no JavaScript), the
 * CSRF check on the streamed form, the redirect, and the stored image actually rendering in the page.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { pgTable, serial } from 'drizzle-orm/pg-core';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { h } from 'preact';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageField, receiveForm, saveImage, withStoredFiles } from '../../src/contrib/media/index.js';
import { atomic } from '../../src/db/transaction.js';
import { NotFoundError } from '../../src/errors.js';
import { installedApps } from '../../src/installed-apps.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { sendPage } from '../../src/web/render.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { BROWSER_AVAILABLE, launchChromium, STEP_TIMEOUT_MS } from '../support/browser.js';
import { ENGINE } from '../support/database.js';
import { listenOnLoopback } from '../support/listen.js';

const photos = pgTable('upload_demo_photo', {
  id: serial('id').primaryKey(),
  image: imageField('image').notNull(),
});

/** A test-only app: the form, the POST that stores the image with its row, and the page showing it. */
const uploadDemoApp: KeenApp = {
  name: 'upload_demo',
  dependsOn: ['media'],
  routes(app) {
    app.get('/upload-demo/', async (request, reply) =>
      sendPage(
        reply,
        h('html', { lang: 'en' }, [
          h('head', null, h('title', null, 'Upload')),
          h('body', null, [
            h('form', { method: 'post', action: '/upload-demo/', enctype: 'multipart/form-data' }, [
              // The token first: the CSRF check reads the fields that come before the first file.
              h('input', { type: 'hidden', name: '_csrf', value: request.csrfToken() }),
              h('label', { for: 'image' }, 'Image'),
              h('input', { type: 'file', id: 'image', name: 'image', accept: 'image/*' }),
              h('button', { type: 'submit' }, 'Upload'),
            ]),
          ]),
        ]),
      ),
    );

    app.post('/upload-demo/', async (request, reply) => {
      const { media } = request.server;
      const form = await receiveForm(request);
      const file = form.files.image;
      if (!file) return reply.redirect('/upload-demo/', 303);
      const row = await withStoredFiles(media, async (track) => {
        const image = track(await saveImage(media, file));
        const [inserted] = await atomic(request.server.keen.database.db, (tx) =>
          tx.insert(photos).values({ image }).returning(),
        );
        return inserted;
      });
      return reply.redirect(`/upload-demo/${row?.id}/`, 303);
    });

    app.get('/upload-demo/:id/', async (request, reply) => {
      const id = Number((request.params as { id: string }).id);
      const [row] = await request.server.keen.database.db.select().from(photos).where(eq(photos.id, id));
      if (!row) throw new NotFoundError();
      const { image } = row;
      return sendPage(
        reply,
        h('html', { lang: 'en' }, [
          h('head', null, h('title', null, 'Uploaded')),
          h('body', null, [
            h('img', {
              src: request.server.media.url(image.name),
              alt: image.originalName,
              width: image.width,
            }),
            h('code', { id: 'stored-name' }, image.name),
          ]),
        ]),
      );
    });
  },
};

describe.runIf(BROWSER_AVAILABLE)(`image upload in a real browser (${ENGINE})`, () => {
  const mediaRoot = mkdtempSync(join(tmpdir(), 'keen-media-'));
  let t: TestApp;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp({
      env: { DEBUG: 'true', MEDIA_STORAGE: 'local', MEDIA_ROOT: mediaRoot },
      apps: [...installedApps, uploadDemoApp],
    });
    await t.database.db.execute(
      sql.raw('CREATE TABLE upload_demo_photo (id serial PRIMARY KEY, image jsonb NOT NULL)'),
    );
    [url, browser] = await Promise.all([listenOnLoopback(t.app as FastifyInstance), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    rmSync(mediaRoot, { recursive: true, force: true });
  });

  it('uploads a PNG through a plain form and sees it rendered from its generated name', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c0392b' } })
      .png()
      .toBuffer();

    await page.goto(`${url}/upload-demo/`);
    await page
      .getByLabel('Image')
      .setInputFiles({ name: '../my photo.png', mimeType: 'image/png', buffer: png });
    await Promise.all([
      page.waitForURL(/\/upload-demo\/\d+\/$/),
      page.getByRole('button', { name: 'Upload' }).click(),
    ]);

    const name = (await page.locator('#stored-name').textContent()) ?? '';
    expect(name).toMatch(/^uploads\/\d{4}\/\d{2}\/[0-9a-f]{32}\.png$/);
    const image = page.locator('img');
    expect(await image.getAttribute('src')).toBe(`/media/${name}`);
    expect(await image.getAttribute('alt')).toBe('my photo.png');
    // The browser fetched and decoded the stored file.
    await image.evaluate((element: HTMLImageElement) => element.decode());
    expect(await image.evaluate((element: HTMLImageElement) => element.naturalWidth)).toBe(64);
    expect(existsSync(join(mediaRoot, name))).toBe(true);
    expect(cspViolations).toEqual([]);
    await context.close();
  }, 30_000);
});
