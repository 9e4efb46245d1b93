/**
 * The language switcher in a real browser: a Russian browser gets Russian pages; choosing English in
 * the header keeps the visitor on the same page (query string included) and is remembered.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { posts } from '../../src/apps/blog/schema.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { BROWSER_AVAILABLE, launchChromium, STEP_TIMEOUT_MS } from '../support/browser.js';
import { ENGINE } from '../support/database.js';
import { listenOnLoopback } from '../support/listen.js';

describe.runIf(BROWSER_AVAILABLE)(`language switcher in a real browser (${ENGINE})`, () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp({ env: { LANGUAGE_CODE: 'en' } });
    const rows = Array.from({ length: 12 }, (_, index) => ({
      title: `Post ${index}`,
      slug: `post-${index}`,
      status: 'published' as const,
      publishedAt: new Date(Date.UTC(2026, 2, 1 + index)),
    }));
    await t.database.db.insert(posts).values(rows);
    [url, browser] = await Promise.all([listenOnLoopback(t.app as FastifyInstance), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('follows the browser language, switches on the same page and remembers the choice', async () => {
    const context = await browser.newContext({ locale: 'ru-RU' });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    await page.goto(`${url}/blog/?page=2`);
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    expect(await page.locator('h1').textContent()).toBe('Блог');
    expect(await page.getByText('Страница 2 из 2').isVisible()).toBe(true);

    await Promise.all([
      page.waitForURL(`${url}/blog/?page=2`),
      page.getByRole('navigation', { name: 'Язык' }).getByRole('link', { name: 'English' }).click(),
    ]);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByText('Page 2 of 2').isVisible()).toBe(true);
    expect(
      await page
        .getByRole('navigation', { name: 'Language' })
        .getByText('English')
        .getAttribute('aria-current'),
    ).toBe('true');

    // Remembered on other pages, over the browser's own preference.
    await page.goto(`${url}/resume/`);
    expect(await page.locator('h1').textContent()).toBe('Résumé');
    await context.close();
  }, 30_000);

  it('the admin’s script speaks the page’s language: theme names and the selection count', async () => {
    await t.createUser({ username: 'redaktor', isStaff: true, isSuperuser: true });
    const context = await browser.newContext({ locale: 'ru-RU' });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    await page.goto(`${url}/accounts/login/?next=/admin/blog/post/`);
    await page.getByLabel('Имя пользователя').fill('redaktor');
    await page.getByLabel('Пароль').fill(GOOD_PASSWORD);
    await Promise.all([
      page.waitForURL(`${url}/admin/blog/post/`),
      page.getByRole('button', { name: 'Войти' }).click(),
    ]);
    expect(await page.locator('h1').textContent()).toBe('Выберите запись для изменения');
    const theme = page.locator('[data-theme-toggle]');
    expect(await theme.textContent()).toContain('авто');
    await theme.click();
    expect(await theme.textContent()).toContain('светлая');
    await page.locator('input[name="_selected_action"]').first().check();
    expect(await page.locator('[data-selection-count]').textContent()).toBe('Выбрано 1 из 12');
    await context.close();
  }, 30_000);
});
