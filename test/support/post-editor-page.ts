/**
 * Browser-test steps around the admin's post editor, shared by the editor's own test and the blog's
 * end-to-end journey: logging in, watching for console/CSP/HTTP problems, and pasting or dropping a
 * file into the body the way a browser delivers one.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { GOOD_PASSWORD } from './app.js';

/** Console errors, uncaught errors, CSP reports and failed responses, except those `expected` allows. */
export function watchProblems(
  context: BrowserContext,
  expected: (url: string, status: number) => boolean,
): string[] {
  const problems: string[] = [];
  context.on('console', (message) => {
    const text = message.text();
    if (new URL(message.location().url || 'about:blank').pathname === '/favicon.ico') return;
    // A refused upload is a 400 the page explains; chromium logs every failed fetch too.
    if (text.startsWith('Failed to load resource') && text.includes('400')) return;
    if (message.type() === 'error' || text.includes('Content Security Policy')) {
      problems.push(`${message.type()} on ${message.page()?.url()}: ${text}`);
    }
  });
  context.on('response', (response) => {
    if (response.status() >= 400 && !expected(response.url(), response.status())) {
      problems.push(`HTTP ${response.status()} for ${response.url()}`);
    }
  });
  context.on('weberror', (error) => problems.push(`uncaught on ${error.page()?.url()}: ${error.error()}`));
  return problems;
}

export async function logIn(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/accounts/login/?next=/admin/`);
  await page.locator('#id_username').fill(username);
  await page.locator('#id_password').fill(GOOD_PASSWORD);
  await Promise.all([page.waitForURL(/\/admin\/$/), page.locator('button[type="submit"]').click()]);
}

/**
 * Dispatches a synthetic paste (or drop) on the body with a File made in the page from `bytes`, the
 * way a browser delivers a screenshot pasted from the clipboard or a file dragged from the desktop.
 */
export function sendFile(
  page: Page,
  how: 'paste' | 'drop',
  file: { name: string; type: string; bytes: Buffer },
): Promise<boolean> {
  return page.locator('textarea[name="body"]').evaluate(
    (textarea, { how, name, type, base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name, { type }));
      const event =
        how === 'paste'
          ? new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true })
          : new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
      // false when the editor took the file (it cancels the browser's own handling).
      return textarea.dispatchEvent(event);
    },
    { how, name: file.name, type: file.type, base64: file.bytes.toString('base64') },
  );
}
