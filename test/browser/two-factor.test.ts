/**
 * Two-factor authentication in a real browser: a staff user opening the admin is sent to set it up,
 * scans (here: reads) the key beside the server-drawn QR code, confirms with a code, keeps the recovery
 * codes, and the next login asks for a code after the password before the admin opens. No CSP
 * violations on the way (the QR code is inline SVG).
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeAt } from '../../src/contrib/auth/two-factor/totp.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { BROWSER_AVAILABLE, launchChromium, STEP_TIMEOUT_MS } from '../support/browser.js';
import { ENGINE } from '../support/database.js';
import { listenOnLoopback } from '../support/listen.js';

/** Where screenshots go when KEEN_SCREENSHOTS names a folder (for looking at the pages; not asserted). */
const SHOTS = process.env.KEEN_SCREENSHOTS;

describe.runIf(BROWSER_AVAILABLE)(`two-factor enrolment and login in a real browser (${ENGINE})`, () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_REQUIRE_2FA: 'true' } });
    [url, browser] = await Promise.all([listenOnLoopback(t.app as FastifyInstance), launchChromium()]);
    await t.createUser({ username: 'owner', isStaff: true, isSuperuser: true });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  async function newPage() {
    const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
    contexts.push(context);
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) violations.push(message.text());
    });
    return { page, violations };
  }

  async function logIn(page: Awaited<ReturnType<typeof newPage>>['page'], next: string) {
    await page.goto(`${url}/accounts/login/?next=${encodeURIComponent(next)}`);
    await page.getByLabel('Username').fill('owner');
    await page.getByLabel('Password').fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
  }

  it('sets up an authenticator, then logs in with password and code', async () => {
    const { page, violations } = await newPage();
    await logIn(page, '/admin/');
    // Straight from the login to the set-up page: the admin needs a second factor.
    await page.waitForURL(`${url}/accounts/2fa/?next=%2Fadmin%2F`);
    const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
    const box = await qr.locator('svg').boundingBox();
    expect(box?.width).toBeGreaterThan(150);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/2fa-enrol.png`, fullPage: true });
    const secret = ((await page.locator('.TwoFactor-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    await page.getByLabel('2. Enter the six-digit code the app shows.').fill(codeAt(secret, Date.now()));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    expect(await page.locator('.TwoFactor-codes li').count()).toBe(10);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/2fa-codes.png`, fullPage: true });
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/admin/`);
    await page.getByRole('heading', { name: 'Site administration' }).waitFor();
    expect(violations).toEqual([]);

    // Another browser: password, then the code, then the admin.
    const second = await newPage();
    await logIn(second.page, '/admin/');
    await second.page.waitForURL(`${url}/accounts/login/verify/`);
    if (SHOTS) await second.page.screenshot({ path: `${SHOTS}/2fa-verify.png`, fullPage: true });
    // The next step's code: the enrolment used this one up.
    const nextStep = Date.now() + 30_000;
    await second.page.getByLabel('Authentication code').fill(codeAt(secret, nextStep));
    await second.page.getByRole('button', { name: 'Verify' }).click();
    await second.page.waitForURL(`${url}/admin/`);
    await second.page.getByRole('heading', { name: 'Site administration' }).waitFor();
    expect(second.violations).toEqual([]);
  });
});
