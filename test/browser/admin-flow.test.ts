/**
 * The admin as an editor uses it, in a real browser (Debian's chromium through playwright-core) against
 * the real server on a real port: log in through the login page as staff with the blog permissions
 * (through a group, not a superuser), add a category and a post with a tag, a "further reading" link
 * and an uploaded cover, find it by search and filters, edit it, read its history, bulk-delete it with
 * another post (and see its cover leave MEDIA_ROOT); then the core of it again with JavaScript off.
 * Every page is watched for console errors, uncaught script errors and CSP violations.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categories, posts, tags } from '../../src/apps/blog/schema.js';
import { groupPermissions, groups, permissions, userGroups } from '../../src/contrib/auth/schema.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { BROWSER_AVAILABLE, launchChromium, STEP_TIMEOUT_MS } from '../support/browser.js';
import { ENGINE } from '../support/database.js';
import { listenOnLoopback } from '../support/listen.js';

const EDITOR = 'editor';
/**
 * What the "Blog editors" group may do: everything on posts, their further-reading links and categories,
 * only look at tags.
 */
const EDITOR_PERMISSIONS = [
  'view_post',
  'add_post',
  'change_post',
  'delete_post',
  'view_postlink',
  'add_postlink',
  'change_postlink',
  'delete_postlink',
  'view_category',
  'add_category',
  'change_category',
  'delete_category',
  'view_tag',
];
const COVER_WIDTH = 64;
const COVER_HEIGHT = 48;

/** Console errors, uncaught page errors and CSP reports of every page of a browser context. */
function watchProblems(context: BrowserContext): string[] {
  const problems: string[] = [];
  context.on('console', (message) => {
    const text = message.text();
    // Chromium asks each new site for /favicon.ico by itself; the app has none, and that 404 is no page's fault.
    if (new URL(message.location().url || 'about:blank').pathname === '/favicon.ico') return;
    // Chromium reports CSP violations on the console (as errors; any level is kept).
    if (message.type() === 'error' || text.includes('Content Security Policy')) {
      problems.push(`${message.type()} on ${message.page()?.url()}: ${text}`);
    }
  });
  context.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  context.on('weberror', (error) => problems.push(`uncaught on ${error.page()?.url()}: ${error.error()}`));
  return problems;
}

/**
 * Runs `action` (a click or a submit) and waits until the page it leads to has loaded. Unlike
 * waitForURL this also works when the next page has the same URL (a POST answered on its own address).
 */
async function andLoad(page: Page, action: () => Promise<void>): Promise<void> {
  const committed = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
  });
  await action();
  await committed;
  await page.waitForLoadState('load');
}

/** The texts of the page's messages ("… was added successfully."): the list announced as a status. */
function messagesOf(page: Page): Promise<string[]> {
  return page.getByRole('main').getByRole('status').locator('li').allTextContents();
}

/** The link texts of the change list's rows (each row's first cell links to the object). */
function rowTitles(page: Page): Promise<string[]> {
  return page.getByRole('table').getByRole('rowheader').allTextContents();
}

async function logIn(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/accounts/login/?next=/admin/`);
  await page.getByLabel('Username').fill(EDITOR);
  await page.getByLabel('Password').fill(GOOD_PASSWORD);
  await andLoad(page, () => page.getByRole('button', { name: 'Log in' }).click());
  expect(new URL(page.url()).pathname).toBe('/admin/');
}

/** The filter sidebar's link `label` under the heading "By `title`". */
function filterLink(page: Page, title: string, label: string): Locator {
  return page
    .getByRole('complementary', { name: 'Filter' })
    .getByRole('group')
    .filter({ hasText: `By ${title}` })
    .getByRole('link', { name: label, exact: true });
}

/** The list right after the heading `name` (the delete confirmation's sections). */
function listAfter(page: Page, name: string): Locator {
  return page.getByRole('heading', { name, exact: true }).locator('xpath=following-sibling::ul[1]');
}

/** The stored file behind a /media/… URL. */
function mediaFile(mediaRoot: string, url: string): string {
  const name = decodeURIComponent(new URL(url, 'http://x').pathname.replace(/^\/media\//, ''));
  return join(mediaRoot, name);
}

describe.runIf(BROWSER_AVAILABLE)(`the admin end to end in a real browser (${ENGINE})`, () => {
  const mediaRoot = mkdtempSync(join(tmpdir(), 'keen-admin-media-'));
  const uploads = mkdtempSync(join(tmpdir(), 'keen-admin-upload-'));
  const coverPath = join(uploads, 'ridge.png');
  let t: TestApp;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    const png = sharp({
      create: { width: COVER_WIDTH, height: COVER_HEIGHT, channels: 3, background: '#2e86c1' },
    }).png();
    [t, browser] = await Promise.all([
      createTestApp({ env: { DEBUG: 'true', MEDIA_STORAGE: 'local', MEDIA_ROOT: mediaRoot } }),
      launchChromium(),
      png.toFile(coverPath),
    ]);
    url = await listenOnLoopback(t.app as FastifyInstance);

    const { db } = t.database;
    const editor = await t.createUser({ username: EDITOR, isStaff: true, isSuperuser: false });
    const [group] = await db.insert(groups).values({ name: 'Blog editors' }).returning();
    const granted = await db
      .select({ id: permissions.id })
      .from(permissions)
      .where(and(eq(permissions.appLabel, 'blog'), inArray(permissions.codename, EDITOR_PERMISSIONS)));
    expect(granted).toHaveLength(EDITOR_PERMISSIONS.length);
    if (!group) throw new Error('no group');
    await db
      .insert(groupPermissions)
      .values(granted.map(({ id }) => ({ groupId: group.id, permissionId: id })));
    await db.insert(userGroups).values({ userId: editor.id, groupId: group.id });

    const [travel] = await db.insert(categories).values({ name: 'Travel', slug: 'travel' }).returning();
    await db.insert(tags).values([{ name: 'Hiking' }, { name: 'Rust' }]);
    await db.insert(posts).values([
      { title: 'Packing list', slug: 'packing-list', status: 'draft' },
      {
        title: 'Kept on the shelf',
        slug: 'kept-on-the-shelf',
        status: 'published',
        publishedAt: new Date('2024-01-01T12:00:00Z'),
        categoryId: travel?.id,
      },
    ]);
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    rmSync(mediaRoot, { recursive: true, force: true });
    rmSync(uploads, { recursive: true, force: true });
  });

  it('adds, finds, edits, reads the history of and bulk-deletes a post with its cover', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const problems = watchProblems(context);
    const page = await context.newPage();

    // 1. The login page leads to the admin index, which shows the blog (and nothing the group lacks).
    await logIn(page, url);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Site administration');
    const blog = page.getByRole('region', { name: 'Blog' });
    expect(await blog.getByRole('link', { name: 'Blog', exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('region', { name: 'Auth' }).count()).toBe(0);
    // Tags may only be looked at: a "View" link and no "Add".
    const tagRow = blog.getByRole('row', { name: /Tags/ });
    expect(await tagRow.getByRole('link', { name: 'View' }).count()).toBe(1);
    expect(await tagRow.getByRole('link', { name: 'Add' }).count()).toBe(0);

    // 2a. A category through its add form.
    await andLoad(page, () =>
      blog
        .getByRole('row', { name: /Categories/ })
        .getByRole('link', { name: 'Add' })
        .click(),
    );
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Add category');
    await page.getByLabel('Name').fill('Field notes');
    await page.getByLabel('Slug').fill('field-notes');
    await andLoad(page, () => page.getByRole('button', { name: 'Save', exact: true }).click());
    expect(new URL(page.url()).pathname).toBe('/admin/blog/category/');
    expect(await messagesOf(page)).toEqual(['The category “Field notes” was added successfully.']);
    expect(await rowTitles(page)).toEqual(['Field notes', 'Travel']);

    // 2b. A post with a category, a tag, a further-reading link and an uploaded cover.
    await andLoad(page, () => page.getByRole('link', { name: 'Home' }).click());
    await andLoad(page, () =>
      page
        .getByRole('region', { name: 'Blog' })
        .getByRole('row', { name: /Posts/ })
        .getByRole('link', { name: 'Add' })
        .click(),
    );
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Add post');
    const furtherReading = page.getByRole('region', { name: 'Further reading' });
    // The post's own "Title" comes first; the inline row has a "Title" too.
    await page.getByLabel('Title', { exact: true }).first().fill('Walking the Ridgeway');
    await page.getByLabel('Slug').fill('walking-the-ridgeway');
    await page
      .getByLabel('Body', { exact: true })
      .fill('Day one: Overton Hill to Ogbourne St George.\n\nDay two: onwards.');
    await page.getByLabel('Cover').setInputFiles(coverPath);
    await page.getByLabel('Status').selectOption({ label: 'Draft' });
    await page.getByLabel('Category').selectOption({ label: 'Field notes' });
    await page.getByLabel('Tags', { exact: true }).selectOption({ label: 'Hiking' });
    await furtherReading.getByLabel('Title').fill('The National Trail');
    await furtherReading.getByLabel('Url').fill('https://www.nationaltrail.co.uk/en_GB/trails/the-ridgeway/');
    await andLoad(page, () => page.getByRole('button', { name: 'Save and continue editing' }).click());

    expect(page.url()).toMatch(/\/admin\/blog\/post\/\d+\/change\/$/);
    expect(await messagesOf(page)).toEqual([
      'The post “Walking the Ridgeway” was added successfully. You may edit it again below.',
    ]);
    // The change page shows what was saved: the tag, the category, the link and the cover.
    expect(await page.getByLabel('Category').locator('option:checked').textContent()).toBe('Field notes');
    expect(
      await page.getByLabel('Tags', { exact: true }).locator('option:checked').allTextContents(),
    ).toEqual(['Hiking']);
    expect(await furtherReading.getByLabel('Url').first().inputValue()).toBe(
      'https://www.nationaltrail.co.uk/en_GB/trails/the-ridgeway/',
    );
    const currentCover = page.getByRole('link', { name: 'ridge.png' });
    const coverUrl = (await currentCover.getAttribute('href')) ?? '';
    expect(coverUrl).toMatch(/^\/media\/uploads\/\d{4}\/\d{2}\/[0-9a-f]{32}\.png$/);
    const coverImage = currentCover.locator('img');
    // The browser fetched and decoded the stored file.
    await coverImage.evaluate((image: HTMLImageElement) => image.decode());
    expect(await coverImage.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(COVER_WIDTH);
    const storedCover = mediaFile(mediaRoot, coverUrl);
    expect(existsSync(storedCover)).toBe(true);

    // 3. The change list: search, filters, both together, and a search that matches nothing.
    await andLoad(page, () =>
      page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'Posts' }).click(),
    );
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Select post to change');
    expect((await rowTitles(page)).sort()).toEqual([
      'Kept on the shelf',
      'Packing list',
      'Walking the Ridgeway',
    ]);
    const search = page.getByLabel('Search posts');
    await search.fill('ridgeway');
    await andLoad(page, () => page.getByRole('button', { name: 'Search' }).click());
    expect(await rowTitles(page)).toEqual(['Walking the Ridgeway']);
    expect(await page.getByText(/^1 result \(3 total\)/).count()).toBe(1);

    await andLoad(page, () => page.getByRole('link', { name: '3 total' }).click());
    await andLoad(page, () => filterLink(page, 'status', 'Draft').click());
    expect((await rowTitles(page)).sort()).toEqual(['Packing list', 'Walking the Ridgeway']);
    await andLoad(page, () => filterLink(page, 'category', 'Field notes').click());
    expect(await rowTitles(page)).toEqual(['Walking the Ridgeway']);
    expect(await filterLink(page, 'status', 'Draft').getAttribute('aria-current')).toBe('true');
    expect(await filterLink(page, 'category', 'Field notes').getAttribute('aria-current')).toBe('true');

    // Searching keeps the filters.
    await page.getByLabel('Search posts').fill('overton');
    await andLoad(page, () => page.getByRole('button', { name: 'Search' }).click());
    expect(await rowTitles(page)).toEqual(['Walking the Ridgeway']);
    expect(await page.getByLabel('Search posts').inputValue()).toBe('overton');
    expect(await filterLink(page, 'status', 'Draft').getAttribute('aria-current')).toBe('true');
    expect(await filterLink(page, 'category', 'Field notes').getAttribute('aria-current')).toBe('true');

    await page.getByLabel('Search posts').fill('no such words anywhere');
    await andLoad(page, () => page.getByRole('button', { name: 'Search' }).click());
    expect(await page.getByText(/^0 results \(3 total\)/).count()).toBe(1);
    expect(await page.getByText('No posts found.').isVisible()).toBe(true);
    expect(await page.getByRole('table').count()).toBe(0);

    // 4. Edit the title, then read the history.
    await andLoad(page, () => page.getByRole('link', { name: '3 total' }).click());
    await andLoad(page, () => page.getByRole('link', { name: 'Walking the Ridgeway' }).click());
    await page.getByLabel('Title', { exact: true }).first().fill('Walking the Ridgeway in May');
    await andLoad(page, () => page.getByRole('button', { name: 'Save', exact: true }).click());
    expect(new URL(page.url()).pathname).toBe('/admin/blog/post/');
    expect(await messagesOf(page)).toEqual([
      'The post “Walking the Ridgeway in May” was changed successfully.',
    ]);
    // The cover was not touched, so its file stays.
    expect(existsSync(storedCover)).toBe(true);

    await andLoad(page, () => page.getByRole('link', { name: 'Walking the Ridgeway in May' }).click());
    await andLoad(page, () => page.getByRole('link', { name: 'History' }).click());
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Change history: Walking the Ridgeway in May',
    );
    const historyRows = page
      .getByRole('table')
      .getByRole('row')
      .filter({ has: page.getByRole('cell') });
    const history = await historyRows.evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll('td'), (cell) => cell.textContent)),
    );
    expect(history).toEqual([
      [EDITOR, 'Added.'],
      [EDITOR, 'Changed title.'],
    ]);

    // 5. Select it and another post, delete both through the confirmation page.
    await andLoad(page, () =>
      page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'Posts' }).click(),
    );
    await page.getByRole('checkbox', { name: 'Select Walking the Ridgeway in May' }).check();
    await page.getByRole('checkbox', { name: 'Select Packing list' }).check();
    await page.getByLabel('Action').selectOption({ label: 'Delete selected posts' });
    await andLoad(page, () => page.getByRole('button', { name: 'Go' }).click());
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Are you sure?');
    expect(await page.getByRole('main').textContent()).toContain(
      'Are you sure you want to delete these 2 posts?',
    );
    expect(await listAfter(page, 'Summary').getByRole('listitem').first().textContent()).toBe('Posts: 2');
    expect((await listAfter(page, 'Objects').getByRole('listitem').allTextContents()).sort()).toEqual([
      'Post: Packing list',
      'Post: Walking the Ridgeway in May',
    ]);
    // What goes with them: the post's further-reading link (listed by its title) and its tag link
    // (counted: link rows have no name of their own).
    const cascaded = await listAfter(page, 'Deleted with them').evaluate((list) =>
      Array.from(list.children, (item) => ({
        heading: Array.from(item.childNodes)
          .filter((node) => node.nodeName !== 'UL')
          .map((node) => node.textContent)
          .join(''),
        rows: Array.from(item.querySelectorAll('li'), (row) => row.textContent),
      })),
    );
    expect(cascaded).toEqual([
      { heading: 'Post ↔ tags links: 1', rows: [] },
      { heading: 'Further reading: 1', rows: ['Further reading: The National Trail'] },
    ]);
    await andLoad(page, () => page.getByRole('button', { name: 'Yes, I’m sure' }).click());
    expect(new URL(page.url()).pathname).toBe('/admin/blog/post/');
    expect(await messagesOf(page)).toEqual(['Successfully deleted 2 posts.']);
    expect(await rowTitles(page)).toEqual(['Kept on the shelf']);
    // The cover is deleted right after the commit, not within the request: wait a little for it.
    await expect.poll(() => existsSync(storedCover), { timeout: 3_000, interval: 50 }).toBe(false);

    expect(problems).toEqual([]);
    // The watch works: an inline style, which the CSP forbids, is reported.
    const reported = page.waitForEvent('console', {
      predicate: (message) => message.text().includes('Content Security Policy'),
    });
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { color: red }';
      document.head.append(style);
    });
    await reported;
    expect(problems).toHaveLength(1);
    await context.close();
  }, 40_000);

  it('works with JavaScript off: adds a post with a cover, then bulk-deletes it', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const problems = watchProblems(context);
    const page = await context.newPage();

    await logIn(page, url);
    await andLoad(page, () =>
      page
        .getByRole('region', { name: 'Blog' })
        .getByRole('row', { name: /Posts/ })
        .getByRole('link', { name: 'Add' })
        .click(),
    );
    await page.getByLabel('Title', { exact: true }).first().fill('Without scripts');
    await page.getByLabel('Slug').fill('without-scripts');
    await page.getByLabel('Category').selectOption({ label: 'Travel' });
    await page.getByLabel('Tags', { exact: true }).selectOption([{ label: 'Hiking' }, { label: 'Rust' }]);
    await page.getByLabel('Cover').setInputFiles(coverPath);
    await andLoad(page, () => page.getByRole('button', { name: 'Save', exact: true }).click());
    expect(new URL(page.url()).pathname).toBe('/admin/blog/post/');
    expect(await messagesOf(page)).toEqual(['The post “Without scripts” was added successfully.']);
    expect(await rowTitles(page)).toContain('Without scripts');
    const [saved] = await t.database.db.select().from(posts).where(eq(posts.slug, 'without-scripts'));
    const storedCover = join(mediaRoot, saved?.cover?.name ?? 'missing');
    expect(existsSync(storedCover)).toBe(true);

    await page.getByRole('checkbox', { name: 'Select Without scripts' }).check();
    await page.getByLabel('Action').selectOption({ label: 'Delete selected posts' });
    await andLoad(page, () => page.getByRole('button', { name: 'Go' }).click());
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Are you sure?');
    await andLoad(page, () => page.getByRole('button', { name: 'Yes, I’m sure' }).click());
    expect(await messagesOf(page)).toEqual(['Successfully deleted 1 post.']);
    expect(await rowTitles(page)).not.toContain('Without scripts');
    expect(await rowTitles(page)).toContain('Kept on the shelf');
    await expect.poll(() => existsSync(storedCover), { timeout: 3_000, interval: 50 }).toBe(false);

    expect(problems).toEqual([]);
    await context.close();
  }, 20_000);
});
