/**
 * The post editor (src/apps/blog/static/blog/js/editor.js) in a real browser (Debian's chromium)
 * against the real server: the live preview follows the typing and the format, an image pasted or
 * dropped into the body is uploaded, inserted as Markdown where the cursor is and shown in the preview,
 * a refused file is explained and leaves no placeholder, the preview stacks under the source on a
 * phone, and nothing breaks the CSP. With KEEN_DOCS_SCREENSHOTS=1 it also writes
 * docs/site/admin-editor.png (the Russian demo post, 1280 px wide).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { posts } from '../../src/apps/blog/schema.js';
import { permissions, userPermissions } from '../../src/contrib/auth/schema.js';
import { loadDemo } from '../../src/demo/load.js';
import { projectRoot } from '../../src/project-root.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { BROWSER_AVAILABLE, launchChromium, STEP_TIMEOUT_MS } from '../support/browser.js';
import { ENGINE } from '../support/database.js';
import { listenOnLoopback } from '../support/listen.js';
import { logIn, sendFile, watchProblems } from '../support/post-editor-page.js';

const EDITOR = 'writer';
const EDITOR_PERMISSIONS = ['view_post', 'add_post', 'change_post', 'view_category', 'view_tag'];
const IMAGE_WIDTH = 64;
/** The editor answers asynchronously: assertions on what it shows are retried this long. */
const POLL = { timeout: STEP_TIMEOUT_MS };
const BODY_IMAGE = /!\[ridge\]\(\/media\/blog\/body\/\d{4}\/\d{2}\/[0-9a-f]{32}\.png\)/;

describe.runIf(BROWSER_AVAILABLE)(`the post editor in a real browser (${ENGINE})`, () => {
  const mediaRoot = mkdtempSync(join(tmpdir(), 'keen-editor-browser-'));
  let t: TestApp;
  let url: string;
  let browser: Browser;
  let png: Buffer;

  beforeAll(async () => {
    [t, browser, png] = await Promise.all([
      createTestApp({ env: { DEBUG: 'true', MEDIA_STORAGE: 'local', MEDIA_ROOT: mediaRoot } }),
      launchChromium(),
      sharp({ create: { width: IMAGE_WIDTH, height: 40, channels: 3, background: '#2e86c1' } })
        .png()
        .toBuffer(),
    ]);
    url = await listenOnLoopback(t.app as FastifyInstance);
    const { db } = t.database;
    const user = await t.createUser({ username: EDITOR, isStaff: true, isSuperuser: false });
    // The demo's posts (Russian and English, with an image) for the screenshot.
    await loadDemo(db, t.app.media);
    const granted = await db
      .select({ id: permissions.id })
      .from(permissions)
      .where(and(eq(permissions.appLabel, 'blog'), inArray(permissions.codename, EDITOR_PERMISSIONS)));
    expect(granted).toHaveLength(EDITOR_PERMISSIONS.length);
    await db.insert(userPermissions).values(granted.map(({ id }) => ({ userId: user.id, permissionId: id })));
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    rmSync(mediaRoot, { recursive: true, force: true });
  });

  it('previews as you type and uploads a pasted or dropped image into the body', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const problems = watchProblems(
      context,
      (address, status) => status === 400 && new URL(address).pathname === '/admin/blog/images/',
    );
    const page = await context.newPage();
    await logIn(page, url, EDITOR);
    await page.goto(`${url}/admin/blog/post/add/`);

    const body = page.getByLabel('Body', { exact: true });
    const output = page.locator('.PostEditor-output');
    expect(await page.getByRole('region', { name: 'Preview' }).isVisible()).toBe(true);
    expect(await output.textContent()).toContain('appears here while you type');

    // 1. Typing: the preview follows (headings one level down, as on the post page).
    await page.getByLabel('Title', { exact: true }).first().fill('Walking the Ridgeway');
    await body.click();
    await body.pressSequentially('# Day one\n\nOverton Hill to *Ogbourne*.\n\n', { delay: 5 });
    await expect.poll(() => output.locator('h2').textContent(), POLL).toBe('Day one');
    expect(await output.locator('em').textContent()).toBe('Ogbourne');
    // The format: the same text as HTML is no heading.
    await page.getByLabel('Body format').selectOption('html');
    await expect.poll(() => output.locator('h2').count(), POLL).toBe(0);
    await page.getByLabel('Body format').selectOption('markdown');
    await expect.poll(() => output.locator('h2').count(), POLL).toBe(1);
    // Neither a script nor an event handler in the source reaches the preview.
    await body.press('End');
    await body.pressSequentially(
      '<b onmouseover="document.title=1">bold</b><script>document.title=2</script>',
      {
        delay: 2,
      },
    );
    await expect.poll(() => output.locator('b').count(), POLL).toBe(1);
    expect(await output.locator('b').getAttribute('onmouseover')).toBeNull();
    expect(await output.locator('script').count()).toBe(0);
    await body.fill('# Day one\n\nOverton Hill to *Ogbourne*.\n\n');

    // 2. Paste: a placeholder at the cursor while the upload runs, then the Markdown image.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/admin/blog/images/', async (route) => {
      await held;
      await route.continue();
    });
    await body.focus();
    await body.evaluate((textarea: HTMLTextAreaElement) => textarea.setSelectionRange(11, 11));
    expect(await sendFile(page, 'paste', { name: 'ridge.png', type: 'image/png', bytes: png })).toBe(false);
    await expect
      .poll(() => body.inputValue(), POLL)
      .toBe('# Day one\n\n[Uploading ridge.png…]Overton Hill to *Ogbourne*.\n\n');
    release();
    await expect.poll(async () => BODY_IMAGE.test(await body.inputValue()), POLL).toBe(true);
    const pasted = await body.inputValue();
    expect(pasted.indexOf('![ridge]')).toBe(11);
    expect(pasted).not.toContain('Uploading');
    await page.unroute('**/admin/blog/images/');
    // The preview shows the stored image, fetched and decoded by the browser.
    const previewImage = output.locator('img[src^="/media/blog/body/"]');
    await expect.poll(() => previewImage.count(), POLL).toBe(1);
    expect(await output.locator('img').count()).toBe(1);
    await previewImage.evaluate((image: HTMLImageElement) => image.decode());
    expect(await previewImage.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(IMAGE_WIDTH);
    expect(await previewImage.getAttribute('alt')).toBe('ridge');

    // 3. Drop: a text file is refused with the server's reason and no placeholder is left.
    await body.evaluate((textarea: HTMLTextAreaElement) =>
      textarea.setSelectionRange(textarea.value.length, textarea.value.length),
    );
    const text = Buffer.from('a shopping list, not a picture');
    expect(await sendFile(page, 'drop', { name: 'list.txt', type: 'text/plain', bytes: text })).toBe(false);
    const status = page.locator('.PostEditor-status');
    await expect
      .poll(() => status.textContent(), POLL)
      .toBe(
        'list.txt was not uploaded: This type of file is not accepted: upload a JPEG, PNG, WebP, or GIF file.',
      );
    expect(await status.getAttribute('data-kind')).toBe('error');
    expect(await body.inputValue()).toBe(pasted);
    // An image dropped at the end goes in there.
    expect(await sendFile(page, 'drop', { name: 'ridge.png', type: 'image/png', bytes: png })).toBe(false);
    await expect
      .poll(async () => (await body.inputValue()).match(new RegExp(BODY_IMAGE, 'g'))?.length, POLL)
      .toBe(2);
    await expect.poll(() => output.locator('img[src^="/media/blog/body/"]').count(), POLL).toBe(2);
    expect(await status.isHidden()).toBe(true);

    // 4. Saved, the post's page HTML holds the images (the same renderer as the preview).
    await Promise.all([
      page.waitForURL(/\/admin\/blog\/post\/\d+\/change\/$/),
      page.getByRole('button', { name: 'Save and continue editing' }).click(),
    ]);
    const id = Number(/\/post\/(\d+)\//.exec(page.url())?.[1]);
    const [saved] = await t.database.db.select().from(posts).where(eq(posts.id, id));
    expect(saved?.bodyHtml.match(/<img src="\/media\/blog\/body\//g)).toHaveLength(2);
    for (const [, name] of saved?.bodyHtml.matchAll(/src="\/media\/([^"]+)"/g) ?? []) {
      expect(existsSync(join(mediaRoot, name ?? ''))).toBe(true);
    }
    // The change page has the editor again, its preview filled from the stored body at once.
    await expect.poll(() => page.locator('.PostEditor-output img').count(), POLL).toBe(2);

    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('stacks the preview under the source on a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const problems = watchProblems(context, () => false);
    const page = await context.newPage();
    await logIn(page, url, EDITOR);
    await page.goto(`${url}/admin/blog/post/add/`);
    const source = await page.locator('textarea[name="body"]').boundingBox();
    const preview = await page.locator('.PostEditor-preview').boundingBox();
    expect(source && preview).toBeTruthy();
    if (!source || !preview) return;
    expect(preview.y).toBeGreaterThanOrEqual(source.y + source.height);
    expect(preview.x + preview.width).toBeLessThanOrEqual(390);
    expect(source.x + source.width).toBeLessThanOrEqual(390);
    // No sideways scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
    await context.close();
  }, 30_000);

  it('looks finished: the Russian demo post in the editor, 1280 px wide', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 1000 },
      locale: 'ru-RU',
      colorScheme: 'light',
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const problems = watchProblems(context, () => false);
    const page = await context.newPage();
    await logIn(page, url, EDITOR);
    const [first] = await t.database.db.select({ id: posts.id }).from(posts).orderBy(posts.id).limit(1);
    await page.goto(`${url}/admin/blog/post/${first?.id}/change/`);
    const output = page.locator('.PostEditor-output');
    await expect.poll(() => output.locator('img').count(), POLL).toBe(1);
    await output.locator('img').evaluate((image: HTMLImageElement) => image.decode());
    expect(await page.getByRole('region', { name: 'Предпросмотр' }).isVisible()).toBe(true);
    // The page down to the body field's help, with the (sticky) save buttons right under it.
    const help = await page.locator('.PostEditor').locator('xpath=following-sibling::p[1]').boundingBox();
    expect(help).toBeTruthy();
    await page.setViewportSize({ width: 1280, height: Math.ceil((help?.y ?? 0) + (help?.height ?? 0) + 84) });
    const shot = join(mediaRoot, 'admin-editor.png');
    await page.screenshot({ path: shot });
    expect(existsSync(shot)).toBe(true);
    if (process.env.KEEN_DOCS_SCREENSHOTS === '1') {
      copyFileSync(shot, join(projectRoot(), 'docs', 'site', 'admin-editor.png'));
    }
    expect(problems).toEqual([]);
    await context.close();
  }, 30_000);
});
