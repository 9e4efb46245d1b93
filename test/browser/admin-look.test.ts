/**
 * The admin's stylesheet and script in a real browser (Debian's chromium through playwright-core)
 * against the real server: nothing trips the strict CSP, the theme toggle cycles and is remembered,
 * select-all, the slug filled from the title, the foreign-key search box, and no sideways scrolling
 * on a 320 px screen. Without JavaScript the enhancements stay out of the way.
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categories, posts } from '../../src/apps/blog/schema.js';
import { users } from '../../src/contrib/auth/schema.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { BROWSER_AVAILABLE, launchChromium, STEP_TIMEOUT_MS } from '../support/browser.js';
import { ENGINE } from '../support/database.js';
import { listenOnLoopback } from '../support/listen.js';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

declare global {
  interface Window {
    cspViolations?: string[];
  }
}

describe.runIf(BROWSER_AVAILABLE)(`the admin's look and script in a real browser (${ENGINE})`, () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;
  let loggedIn: StorageState | undefined;
  let authorId: number;
  let adminId: number;
  /** The staff user's page, shared by the tests (a new browser context per test costs seconds here). */
  let page: Page;
  const contexts: BrowserContext[] = [];

  /** A page in a new context with the staff user's session. */
  async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ storageState: loggedIn, ...options });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    contexts.push(context);
    const page = await context.newPage();
    // Injected through the DevTools protocol, so the CSP does not apply to this listener itself.
    await page.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        window.cspViolations?.push(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    return page;
  }

  beforeAll(async () => {
    t = await createTestApp();
    adminId = (await t.createUser({ username: 'ada', isStaff: true, isSuperuser: true })).id;
    const grace = await t.createUser({ username: 'grace', email: 'grace@example.com' });
    await t.database.db
      .update(users)
      .set({ firstName: 'Grace', lastName: 'Hopper' })
      .where(eq(users.id, grace.id));
    authorId = grace.id;
    const [category] = await t.database.db
      .insert(categories)
      .values({ name: 'Notes', slug: 'notes' })
      .returning();
    await t.database.db.insert(posts).values(
      ['First post', 'Second post', 'Third post'].map((title, index) => ({
        title,
        slug: `post-${index + 1}`,
        categoryId: category?.id,
      })),
    );
    [url, browser] = await Promise.all([listenOnLoopback(t.app as FastifyInstance), launchChromium()]);

    page = await newPage({ colorScheme: 'light', viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}/accounts/login/?next=/admin/`);
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill(GOOD_PASSWORD);
    await Promise.all([
      page.waitForURL(`${url}/admin/`),
      page.getByRole('button', { name: 'Log in' }).click(),
    ]);
    loggedIn = await page.context().storageState();
  }, 30_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  it('loads the stylesheet and script with no CSP violation or script error on the main pages', async () => {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    for (const path of [
      '/admin/',
      '/admin/blog/post/?status=draft',
      '/admin/blog/post/add/',
      '/admin/blog/post/1/delete/',
      '/admin/auth/user/1/change/',
    ]) {
      const response = await page.goto(`${url}${path}`);
      expect(response?.status(), path).toBe(200);
      expect(await response?.headerValue('content-security-policy')).toContain("style-src 'self'");
      // The stylesheet applied (the header's colour comes from it) and the script ran (it shows the toggle).
      expect(await page.locator('.AdminHeader').evaluate((node) => getComputedStyle(node).display)).toBe(
        'flex',
      );
      await expect.poll(() => page.locator('[data-theme-toggle]').isVisible()).toBe(true);
      expect(await page.evaluate(() => window.cspViolations), path).toEqual([]);
    }
    expect(problems).toEqual([]);

    // The detector works: an inline style is reported.
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { color: red }';
      document.head.append(style);
    });
    await expect.poll(() => page.evaluate(() => window.cspViolations?.length)).toBe(1);
    page.removeAllListeners('console');
    page.removeAllListeners('pageerror');
  });

  it('cycles the theme auto → light → dark → auto and keeps the choice across a reload', async () => {
    await page.goto(`${url}/admin/`);
    const toggle = page.locator('[data-theme-toggle]');
    const theme = () => page.evaluate(() => document.documentElement.getAttribute('data-theme'));
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const lightBackground = await background();
    expect(await theme()).toBeNull();
    await expect.poll(() => toggle.textContent()).toBe('Theme: auto');
    // The visible text is the button's accessible name.
    expect(await page.getByRole('button', { name: 'Theme: auto' }).count()).toBe(1);

    await toggle.click();
    expect(await theme()).toBe('light');
    expect(await toggle.textContent()).toBe('Theme: light');
    await toggle.click();
    expect(await theme()).toBe('dark');
    expect(await background()).not.toBe(lightBackground);

    await page.reload();
    expect(await theme()).toBe('dark');
    expect(await toggle.textContent()).toBe('Theme: dark');
    expect(await background()).not.toBe(lightBackground);

    await toggle.click();
    expect(await theme()).toBeNull();
    await page.reload();
    expect(await theme()).toBeNull();
    expect(await background()).toBe(lightBackground);
    expect(await toggle.textContent()).toBe('Theme: auto');
  });

  it('follows the system dark mode while the theme is auto', async () => {
    await page.goto(`${url}/admin/`);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    try {
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await background();
      expect(dark).not.toBe(light);
      // "light" chosen on a dark system wins.
      await page.locator('[data-theme-toggle]').click();
      expect(await background()).toBe(light);
    } finally {
      await page.evaluate(() => localStorage.clear());
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });

  it('select-all checks every row, counts the selection and highlights the rows', async () => {
    await page.goto(`${url}/admin/blog/post/`);
    const selectAll = page.getByRole('checkbox', { name: 'Select all on this page' });
    const rows = page.locator('input[name="_selected_action"]');
    const count = page.locator('[data-selection-count]');
    expect(await rows.count()).toBe(3);
    await expect.poll(() => count.textContent()).toBe('0 of 3 selected');

    await selectAll.check();
    for (const box of await rows.all()) expect(await box.isChecked()).toBe(true);
    expect(await count.textContent()).toBe('3 of 3 selected');
    expect(await page.locator('#result_list tbody tr.is-selected').count()).toBe(3);

    await rows.nth(1).uncheck();
    expect(await count.textContent()).toBe('2 of 3 selected');
    expect(await selectAll.evaluate((box: HTMLInputElement) => box.indeterminate)).toBe(true);

    // Clicking the half-checked box selects all again; clicking once more selects none.
    await selectAll.click();
    expect(await count.textContent()).toBe('3 of 3 selected');
    await selectAll.click();
    for (const box of await rows.all()) expect(await box.isChecked()).toBe(false);
    expect(await count.textContent()).toBe('0 of 3 selected');
    expect(await page.locator('#result_list tbody tr.is-selected').count()).toBe(0);

    // Shift-click selects the range from the last clicked row.
    await rows.nth(0).click();
    await rows.nth(2).click({ modifiers: ['Shift'] });
    expect(await count.textContent()).toBe('3 of 3 selected');
  });

  it('fills the slug from the title until the slug is typed in, and never on a saved object', async () => {
    await page.goto(`${url}/admin/blog/post/add/`);
    const title = page.locator('#id_title');
    const slug = page.locator('#id_slug');
    await title.pressSequentially('Crème brûlée: Ünïcode & more!');
    expect(await slug.inputValue()).toBe('creme-brulee-unicode-more');

    // At most the input's maxlength (200), without a trailing hyphen.
    await title.fill(`${'a'.repeat(199)} b`);
    expect(await slug.inputValue()).toBe('a'.repeat(199));

    await slug.fill('my-own-slug');
    await title.fill('Another title');
    expect(await slug.inputValue()).toBe('my-own-slug');

    await page.goto(`${url}/admin/blog/post/1/change/`);
    await page.locator('#id_title').fill('A new title');
    expect(await page.locator('#id_slug').inputValue()).toBe('post-1');
  });

  it('has no horizontal overflow at 320 px on the index, change list and form pages', async () => {
    await page.setViewportSize({ width: 320, height: 640 });
    try {
      for (const path of [
        '/admin/',
        '/admin/blog/post/',
        '/admin/blog/post/add/',
        '/admin/blog/post/1/change/',
      ]) {
        await page.goto(`${url}${path}`);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, path).toBeLessThanOrEqual(320);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('finds a user by part of the name in the author search box and saves the chosen id', async () => {
    await page.goto(`${url}/admin/blog/post/add/`);
    const idInput = page.locator('#id_authorId');
    await expect.poll(() => idInput.isHidden()).toBe(true);
    const search = page.getByRole('combobox', { name: 'Author' });
    const listbox = page.getByRole('listbox', { name: 'Author' });
    expect(await search.getAttribute('aria-expanded')).toBe('false');

    // The down arrow in the empty box lists the first users; a click chooses one.
    await search.press('ArrowDown');
    await listbox.getByRole('option', { name: 'ada' }).click();
    expect(await idInput.inputValue()).toBe(String(adminId));
    expect(await search.inputValue()).toBe('ada');

    await search.fill('');
    await search.pressSequentially('hopp');
    const option = listbox.getByRole('option', { name: 'grace' });
    await option.waitFor();
    expect(await search.getAttribute('aria-expanded')).toBe('true');
    expect(await listbox.getByRole('option').count()).toBe(1);
    // Keyboard: the first result is active; Enter chooses it instead of submitting the form.
    expect(await search.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
    await search.press('Enter');
    expect(page.url()).toBe(`${url}/admin/blog/post/add/`);
    expect(await idInput.inputValue()).toBe(String(authorId));
    expect(await search.inputValue()).toBe('grace');
    expect(await search.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('#id_authorId_selected').textContent()).toBe('grace');

    // A search with no match, then Escape, leaves the choice as it was.
    await search.fill('nobody-by-that-name');
    await listbox.getByRole('option', { name: 'No results' }).waitFor();
    await search.press('Escape');
    expect(await search.inputValue()).toBe('grace');
    expect(await idInput.inputValue()).toBe(String(authorId));

    await page.locator('#id_title').fill('Written by Grace');
    await Promise.all([
      page.waitForURL(`${url}/admin/blog/post/`),
      page.getByRole('button', { name: 'Save', exact: true }).click(),
    ]);
    const [saved] = await t.database.db.select().from(posts).where(eq(posts.slug, 'written-by-grace'));
    expect(saved?.authorId).toBe(authorId);
  });

  it('filters the options of a many-to-many select, keeping the selected ones', async () => {
    await page.goto(`${url}/admin/auth/user/1/change/`);
    const select = page.locator('#id_userPermissions');
    const filter = page.getByRole('searchbox', { name: 'Filter User permissions' });
    const visible = () =>
      select.evaluate(
        (node: HTMLSelectElement) => Array.from(node.options).filter((option) => !option.hidden).length,
      );
    const total = await select.evaluate((node: HTMLSelectElement) => node.options.length);
    expect(total).toBeGreaterThan(5);
    await select.selectOption({ index: 0 });
    const kept = await select.evaluate((node: HTMLSelectElement) => node.options[0]?.text ?? '');
    expect(kept).not.toMatch(/delete post/i);
    await filter.fill('delete post');
    const shown = await select.evaluate((node: HTMLSelectElement) =>
      Array.from(node.options)
        .filter((option) => !option.hidden)
        .map((option) => option.text),
    );
    expect(shown).toContain(kept);
    expect(shown.length).toBeGreaterThan(1);
    expect(shown.filter((text) => text !== kept).every((text) => /delete post/i.test(text))).toBe(true);
    expect(shown.length).toBeLessThan(total);
    await filter.fill('');
    expect(await visible()).toBe(total);
  });

  it('without JavaScript the enhancements stay hidden and the id box is a plain input', async () => {
    const plain = await newPage({ javaScriptEnabled: false });
    await plain.goto(`${url}/admin/blog/post/`);
    expect(await plain.locator('[data-theme-toggle]').isHidden()).toBe(true);
    expect(await plain.locator('[data-select-all]').isHidden()).toBe(true);
    await plain.goto(`${url}/admin/blog/post/add/`);
    const idInput = plain.getByLabel('Author');
    expect(await idInput.isVisible()).toBe(true);
    expect(await idInput.getAttribute('role')).toBeNull();
  });
});
