/**
 * Login throttling lives in the database, not in a process's memory, so it holds however many workers
 * or machines serve the site: 5 failures per account from one client, or 20 from one client, in 15
 * minutes → 429 + Retry-After (the policy is in src/contrib/auth/throttle.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import { startServerProcess } from '../support/server-process.js';

const WRONG_PASSWORD = 'not-the-password-1';
const WINDOW_SECONDS = 15 * 60;

interface Attempt {
  status: number;
  retryAfter: string | null;
}

/** One login attempt (login page, then POST) against some server; how it is made varies per test. */
type LoginAttempt = (username: string, password: string) => Promise<Attempt>;

/** A login attempt through the in-process app, from `ip`. */
function injectAttempt(app: TestApp, ip = '127.0.0.1'): LoginAttempt {
  return async (username, password) => {
    const client = new TestClient(app.app, { remoteAddress: ip });
    const response = await client.login(username, password);
    const retryAfter = response.headers['retry-after'];
    return { status: response.statusCode, retryAfter: retryAfter === undefined ? null : String(retryAfter) };
  };
}

/** A login attempt over real HTTP (for the other process), with its own cookie and CSRF token. */
function httpAttempt(baseUrl: string): LoginAttempt {
  return async (username, password) => {
    const page = await fetch(`${baseUrl}/accounts/login/`);
    const html = await page.text();
    const token = /name="_csrf" value="([A-Za-z0-9]+)"/.exec(html)?.[1];
    const cookie = page.headers
      .getSetCookie()
      .map((header) => header.split(';')[0])
      .join('; ');
    if (!token || !cookie) throw new Error(`login page gave no CSRF token or cookie (status ${page.status})`);
    const response = await fetch(`${baseUrl}/accounts/login/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password, _csrf: token }).toString(),
    });
    await response.arrayBuffer();
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  };
}

function expectThrottled(attempt: Attempt): void {
  expect(attempt.status).toBe(429);
  expect(attempt.retryAfter).toMatch(/^\d+$/);
  const seconds = Number(attempt.retryAfter);
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(WINDOW_SECONDS);
}

/** 3 failures on one server and 2 on the other for one account: both then refuse, even the right password. */
async function expectSharedAccountThrottle(one: LoginAttempt, other: LoginAttempt, username: string) {
  for (let i = 0; i < 3; i++) expect((await one(username, WRONG_PASSWORD)).status).toBe(400);
  for (let i = 0; i < 2; i++) expect((await other(username, WRONG_PASSWORD)).status).toBe(400);
  expectThrottled(await one(username, WRONG_PASSWORD));
  expectThrottled(await other(username, WRONG_PASSWORD));
  // While throttled the password is not even checked: a correct one is refused the same way.
  expectThrottled(await one(username, GOOD_PASSWORD));
  expectThrottled(await other(username, GOOD_PASSWORD));
}

describe(`login throttling across processes (${ENGINE})`, () => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await createTestApp({ database });
    for (const username of ['victim', 'carol', 'dave']) await t.createUser({ username });
  });

  afterAll(async () => {
    await t?.close();
    await database?.close();
  });

  it.runIf(ENGINE === 'postgres')(
    'counts failures made on another process against the same account',
    async () => {
      const other = await startServerProcess(database.url as string);
      try {
        // The child's requests arrive from 127.0.0.1 over loopback; inject uses the same address.
        await expectSharedAccountThrottle(injectAttempt(t), httpAttempt(other.url), 'victim');
      } finally {
        await other.stop();
      }
    },
    30_000,
  );

  // PGlite is embedded: one process owns the database (its data folder is locked), so a second OS
  // process cannot share it. Two app instances in this process, each with its own memory and sharing
  // only the database, prove the same thing: no throttle state is kept in an app instance.
  it.runIf(ENGINE === 'pglite')(
    'counts failures made on another app instance against the same account',
    async () => {
      const second = await createTestApp({ database });
      try {
        await expectSharedAccountThrottle(injectAttempt(t), injectAttempt(second), 'victim');
      } finally {
        await second.close();
      }
    },
  );

  it('throttles an IP after 20 failures across usernames, and only that IP', async () => {
    const noisy = injectAttempt(t, '203.0.113.7');
    for (let i = 0; i < 20; i++) expect((await noisy(`nobody-${i}`, WRONG_PASSWORD)).status).toBe(400);
    expectThrottled(await noisy('nobody-fresh', WRONG_PASSWORD));
    expectThrottled(await noisy('dave', GOOD_PASSWORD));
    // Another address is unaffected: a fresh username fails normally, a right password works.
    const quiet = injectAttempt(t, '203.0.113.8');
    expect((await quiet('nobody-fresh', WRONG_PASSWORD)).status).toBe(400);
    expect((await quiet('dave', GOOD_PASSWORD)).status).toBe(303);
  });

  it("a successful login resets that account's counter", async () => {
    const attempt = injectAttempt(t, '198.51.100.9');
    for (let i = 0; i < 4; i++) expect((await attempt('carol', WRONG_PASSWORD)).status).toBe(400);
    expect((await attempt('carol', GOOD_PASSWORD)).status).toBe(303);
    // Counting starts again from zero: 5 more failures are allowed, the 6th attempt is refused.
    for (let i = 0; i < 5; i++) expect((await attempt('carol', WRONG_PASSWORD)).status).toBe(400);
    expectThrottled(await attempt('carol', WRONG_PASSWORD));
  });
});
