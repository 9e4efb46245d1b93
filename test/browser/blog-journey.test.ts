/**
 * The blog from writing to reading, in a real browser (Debian's chromium) against the real server with
 * production settings (DEBUG off, media served by the app as after `npm start`): an editor writes a
 * Markdown post in the admin and pastes an image into it, publishes it; a reader finds it through the
 * search, sees the image, and comments; the editor approves the comment; the reader sees it under the
 * post, and the list counts it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_FILL_MS } from '../../src/apps/blog/comments/submission.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { BROWSER_AVAILABLE, launchChromium, STEP_TIMEOUT_MS } from '../support/browser.js';
import { ENGINE } from '../support/database.js';
import { listenOnLoopback } from '../support/listen.js';
import { logIn, sendFile, watchProblems } from '../support/post-editor-page.js';

const POLL = { timeout: STEP_TIMEOUT_MS };

/** Runs `action` and waits for the page it leads to. */
async function andLoad(page: Page, action: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForEvent('load'), action()]);
}

describe.runIf(BROWSER_AVAILABLE)(`a post from the editor to a reader's comment (${ENGINE})`, () => {
  const mediaRoot = mkdtempSync(join(tmpdir(), 'keen-journey-'));
  let t: TestApp;
  let url: string;
  let browser: Browser;
  let png: Buffer;

  beforeAll(async () => {
    [t, browser, png] = await Promise.all([
      createTestApp({ env: { MEDIA_STORAGE: 'local', MEDIA_ROOT: mediaRoot } }),
      launchChromium(),
      sharp({ create: { width: 120, height: 80, channels: 3, background: '#c0392b' } })
        .png()
        .toBuffer(),
    ]);
    url = await listenOnLoopback(t.app as FastifyInstance);
    await t.createUser({ username: 'editor', isStaff: true, isSuperuser: true });
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    rmSync(mediaRoot, { recursive: true, force: true });
  });

  it('write with a pasted image, publish, find, comment, approve, read', async () => {
    expect(t.settings.debug).toBe(false);
    const editorContext = await browser.newContext({ locale: 'ru-RU' });
    editorContext.setDefaultTimeout(STEP_TIMEOUT_MS);
    const problems = watchProblems(editorContext, () => false);
    const admin = await editorContext.newPage();
    await logIn(admin, url, 'editor');

    // 1. The editor writes Markdown and pastes an image where the cursor is.
    await admin.goto(`${url}/admin/blog/post/add/`);
    await admin.getByLabel('Заголовок', { exact: true }).first().fill('Горный поход');
    const body = admin.locator('textarea[name="body"]');
    await body.fill('Мы шли **три дня** по хребту.\n\n');
    await body.evaluate((area: HTMLTextAreaElement) =>
      area.setSelectionRange(area.value.length, area.value.length),
    );
    expect(await sendFile(admin, 'paste', { name: 'ridge.png', type: 'image/png', bytes: png })).toBe(false);
    await expect.poll(() => body.inputValue(), POLL).toMatch(/!\[ridge\]\(\/media\/blog\/body\/[^)]+\.png\)/);
    await expect
      .poll(
        () => admin.locator('.PostEditor-preview img').evaluate((img: HTMLImageElement) => img.naturalWidth),
        POLL,
      )
      .toBe(120);
    await admin.getByLabel('Статус').selectOption('published');
    await andLoad(admin, () => admin.getByRole('button', { name: 'Сохранить', exact: true }).click());
    expect(admin.url()).toMatch(/\/admin\/blog\/post\/$/);

    // 2. A reader finds it through the search (another word form), opens it and sees the image.
    const readerContext = await browser.newContext({ locale: 'ru-RU' });
    readerContext.setDefaultTimeout(STEP_TIMEOUT_MS);
    const readerProblems = watchProblems(readerContext, () => false);
    const reader = await readerContext.newPage();
    await reader.goto(`${url}/blog/`);
    await reader.getByLabel('Поиск по блогу').fill('походы');
    await andLoad(reader, () => reader.getByRole('button', { name: 'Найти' }).click());
    expect(new URL(reader.url()).search).toBe('?q=%D0%BF%D0%BE%D1%85%D0%BE%D0%B4%D1%8B');
    await andLoad(reader, () => reader.getByRole('link', { name: 'Горный поход' }).click());
    expect(new URL(reader.url()).pathname).toBe('/blog/gornyy-pokhod/');
    expect(await reader.locator('.Post-body strong').textContent()).toBe('три дня');
    const image = reader.locator('.Post-body img');
    expect(await image.getAttribute('alt')).toBe('ridge');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth), POLL).toBe(120);

    // 3. The reader comments (a person takes a few seconds to write), and is told it awaits moderation.
    await reader.getByLabel('Имя').fill('Ольга');
    await reader.getByLabel('Электронная почта').fill('olga.private@example.com');
    await reader.getByLabel('Комментарий').fill('Красиво! Какой это хребет?');
    await reader.waitForTimeout(MIN_FILL_MS + 200);
    await andLoad(reader, () => reader.getByRole('button', { name: 'Отправить' }).click());
    expect(await reader.getByText('Спасибо! Комментарий появится после проверки.').isVisible()).toBe(true);
    expect(await reader.getByText('Красиво! Какой это хребет?').count()).toBe(0);

    // 4. The editor approves it in the admin.
    await admin.goto(`${url}/admin/blog/comment/`);
    await admin.locator('input[name="_selected_action"]').first().check();
    await admin.getByLabel('Действие').selectOption('approve_comments');
    await andLoad(admin, () => admin.getByRole('button', { name: 'Выполнить' }).click());
    expect(await admin.locator('.AdminMessages').textContent()).toContain('Одобрено: 1 комментарий.');

    // 5. The reader sees it under the post (the email nowhere), and the list counts it.
    await reader.reload();
    expect(await reader.getByText('Красиво! Какой это хребет?').isVisible()).toBe(true);
    expect(await reader.content()).not.toContain('olga.private');
    await reader.goto(`${url}/blog/`);
    expect(await reader.locator('.PostList-comments').textContent()).toContain('1 комментарий');

    expect([...problems, ...readerProblems]).toEqual([]);
    await editorContext.close();
    await readerContext.close();
  }, 60_000);
});
