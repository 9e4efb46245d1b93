/**
 * The login flow in a real browser (Debian's chromium through playwright-core) against the real server
 * on a real port: what inject-based tests cannot see — the browser actually storing the cookie with the
 * right flags, the stylesheet loading under the CSP, and the forms working end to end.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { BROWSER_AVAILABLE, launchChromium, STEP_TIMEOUT_MS } from '../support/browser.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import { listenOnLoopback } from '../support/listen.js';

describe.runIf(BROWSER_AVAILABLE)(`login in a real browser (${ENGINE})`, () => {
  let database: TestDatabase;
  let plain: TestApp;
  let proxied: TestApp;
  let plainUrl: string;
  let proxiedUrl: string;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    const listen = async (env: Record<string, string>): Promise<[TestApp, string]> => {
      const t = await createTestApp({ database, env });
      return [t, await listenOnLoopback(t.app as FastifyInstance)];
    };
    [[plain, plainUrl], [proxied, proxiedUrl], browser] = await Promise.all([
      listen({}),
      // The peer (this very process, over loopback) is a trusted proxy, so X-Forwarded-Proto counts.
      listen({ TRUSTED_PROXIES: '127.0.0.1' }),
      launchChromium(),
    ]);
    await plain.createUser({ username: 'alice' });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await plain?.close();
    await proxied?.close();
    await database?.close();
  });

  it('logs in and out through the pages, with the session cookie flags and the CSP respected', async () => {
    context = await browser.newContext();
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });

    const stylesheet = page.waitForResponse((response) => response.url().endsWith('/static/css/site.css'));
    await page.goto(`${plainUrl}/`);
    const css = await stylesheet;
    expect(css.status()).toBe(200);
    expect(css.headers()['content-type']).toMatch(/^text\/css/);
    // The rules really apply (`* { box-sizing: border-box }`; the browser default is content-box).
    expect(await page.evaluate('getComputedStyle(document.body).boxSizing')).toBe('border-box');

    await page.getByRole('link', { name: 'Log in' }).first().click();
    await page.waitForURL(`${plainUrl}/accounts/login/`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(GOOD_PASSWORD);
    await Promise.all([
      page.waitForURL(`${plainUrl}/`),
      page.getByRole('button', { name: 'Log in' }).click(),
    ]);
    expect(await page.locator('.SiteHeader-user').textContent()).toBe('alice');

    const cookies = await context.cookies(plainUrl);
    expect(cookies.map((cookie) => cookie.name)).toEqual(['sessionid']);
    const [session] = cookies;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
    // A persistent cookie (SESSION_COOKIE_AGE), not one that dies with the browser.
    expect(session?.expires).toBeGreaterThan(Date.now() / 1000);

    await Promise.all([
      page.waitForURL(`${plainUrl}/`),
      page.getByRole('button', { name: 'Log out' }).click(),
    ]);
    const main = await page.locator('main').textContent();
    expect(main).toContain('You have been logged out.');
    expect(await page.locator('.SiteHeader-user').count()).toBe(0);
    expect(await context.cookies(plainUrl)).toEqual([]);
    expect(cspViolations).toEqual([]);

    // The detector works: an inline style (which the CSP forbids) is reported on the console.
    const reported = page.waitForEvent('console', {
      predicate: (message) => message.text().includes('Content Security Policy'),
    });
    await page.evaluate(
      `document.head.appendChild(Object.assign(document.createElement('style'), { textContent: 'body { color: red }' }))`,
    );
    await reported;
    expect(cspViolations).toHaveLength(1);
    await context.close();
    context = undefined;
  }, 20_000);

  it('behind a trusted HTTPS proxy the CSRF cookie is __Host-csrftoken and Secure', async () => {
    context = await browser.newContext();
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    await context.setExtraHTTPHeaders({ 'X-Forwarded-Proto': 'https' });
    const page = await context.newPage();

    // The login page keeps an anonymous visitor's CSRF secret in a cookie (no session row), so the
    // cookie it sets is the CSRF one; the session cookie's flags come from the same function.
    const response = await page.goto(`${proxiedUrl}/accounts/login/`);
    expect(response?.status()).toBe(200);
    const setCookie = (await response?.headerValue('set-cookie')) ?? '';
    expect(setCookie).toMatch(/^__Host-csrftoken=/);
    const attributes = setCookie.split(';').map((part) => part.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']));
    expect(attributes.some((attribute) => attribute.startsWith('domain='))).toBe(false);
    // HSTS only on secure responses: this one counts as HTTPS.
    expect(await response?.headerValue('strict-transport-security')).toMatch(/^max-age=\d+/);

    // The same app without the forwarded header: plain name, no Secure, no HSTS. (Chromium treats
    // 127.0.0.1 as a secure context and may keep the Secure cookie, so start from an empty jar.)
    await context.clearCookies();
    await context.setExtraHTTPHeaders({});
    const direct = await page.goto(`${proxiedUrl}/accounts/login/`);
    const directCookie = (await direct?.headerValue('set-cookie')) ?? '';
    expect(directCookie).toMatch(/^csrftoken=/);
    expect(directCookie.toLowerCase()).not.toContain('secure');
    expect(await direct?.headerValue('strict-transport-security')).toBeNull();
    await context.close();
    context = undefined;
  }, 20_000);
});
