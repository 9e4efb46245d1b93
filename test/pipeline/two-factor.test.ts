// Two-factor authentication for staff (TOTP, RFC 6238): codes checked against a fixed clock (drift of
// one step, each code once), enrolment with a server-drawn SVG QR code, the code asked after the
// password, recovery codes (once each), throttled guesses, ADMIN_REQUIRE_2FA sending staff to set it up
// before any admin page, and `keen disable2fa`-style recovery.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/contrib/auth/schema.js';
import {
  disableTwoFactor,
  enrolDevice,
  verifySecondFactor,
} from '../../src/contrib/auth/two-factor/devices.js';
import { recoveryCodes, totpDevices } from '../../src/contrib/auth/two-factor/schema.js';
import { codeAt, matchingStep, newSecret, STEP_SECONDS } from '../../src/contrib/auth/two-factor/totp.js';
import { pageText } from '../admin/view-helpers.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

// 2026-12-05T12:00:00Z, on a step boundary.
const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);
const STEP_MS = STEP_SECONDS * 1000;

/** The secret shown on the enrolment page (grouped by four), read back as an app would scan it. */
function secretOnPage(html: string): string {
  const grouped = /<code class="TwoFactor-secret">([A-Z2-7 ]+)<\/code>/.exec(html)?.[1];
  if (!grouped) throw new Error('no secret on the page');
  return grouped.replace(/ /g, '');
}

function recoveryCodesOnPage(html: string): string[] {
  return [...html.matchAll(/<li><code>([a-z2-9]{5}-[a-z2-9]{5})<\/code><\/li>/g)].map(
    (match) => match[1] as string,
  );
}

describe('TOTP codes against a fixed clock', () => {
  const secret = newSecret();

  it('accepts the code of this step and of one step either side, not two', () => {
    const step = Math.floor(NOW / STEP_MS);
    expect(matchingStep(secret, codeAt(secret, NOW), NOW)).toBe(step);
    expect(matchingStep(secret, codeAt(secret, NOW - STEP_MS), NOW)).toBe(step - 1);
    expect(matchingStep(secret, codeAt(secret, NOW + STEP_MS), NOW)).toBe(step + 1);
    expect(matchingStep(secret, codeAt(secret, NOW - 2 * STEP_MS), NOW)).toBeNull();
    expect(matchingStep(secret, codeAt(secret, NOW + 2 * STEP_MS), NOW)).toBeNull();
  });

  it('refuses what is not six digits, and another secret’s code', () => {
    expect(matchingStep(secret, '12345', NOW)).toBeNull();
    expect(matchingStep(secret, 'abcdef', NOW)).toBeNull();
    expect(matchingStep(newSecret(), codeAt(secret, NOW), NOW)).toBeNull();
  });
});

describe(`two-factor authentication (${ENGINE})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_REQUIRE_2FA: 'true' } });
  });
  afterAll(() => t.close());

  async function loggedIn(username: string, staff = true): Promise<TestClient> {
    await t.createUser({ username, isStaff: staff });
    const client = new TestClient(t.app);
    await client.get('/accounts/login/');
    const response = await client.post('/accounts/login/', { username, password: GOOD_PASSWORD });
    expect(response.statusCode).toBe(303);
    return client;
  }

  /** A staff user enrolled a minute ago, whose password was just given: the login waits for a code. */
  async function halfLoggedIn(username: string, ip = '127.0.0.1') {
    const user = await t.createUser({ username, isStaff: true });
    const secret = newSecret();
    const enrolledAt = Date.now() - 2 * STEP_MS;
    await enrolDevice(t.database.db, user.id, secret, codeAt(secret, enrolledAt), enrolledAt);
    const client = new TestClient(t.app, { remoteAddress: ip });
    await client.get('/accounts/login/');
    await client.post('/accounts/login/', { username, password: GOOD_PASSWORD });
    return { user, secret, client };
  }

  it('each code works once; a recovery code once; a wrong one never (database level)', async () => {
    const user = await t.createUser({ username: 'clock' });
    const secret = newSecret();
    expect(await enrolDevice(t.database.db, user.id, secret, '000000', NOW)).toBeNull();
    const codes = await enrolDevice(t.database.db, user.id, secret, codeAt(secret, NOW), NOW);
    expect(codes).toHaveLength(10);
    // The enrolment's own code is used up, and so is any earlier step's.
    expect(await verifySecondFactor(t.database.db, user.id, codeAt(secret, NOW), NOW)).toBeNull();
    expect(await verifySecondFactor(t.database.db, user.id, codeAt(secret, NOW - STEP_MS), NOW)).toBeNull();
    const later = NOW + 2 * STEP_MS;
    expect(await verifySecondFactor(t.database.db, user.id, codeAt(secret, later), later)).toBe('totp');
    expect(await verifySecondFactor(t.database.db, user.id, codeAt(secret, later), later)).toBeNull();
    const [first] = codes as string[];
    expect(await verifySecondFactor(t.database.db, user.id, ` ${first!.toUpperCase()} `, later)).toBe(
      'recovery',
    );
    expect(await verifySecondFactor(t.database.db, user.id, first!, later)).toBeNull();
    expect(await verifySecondFactor(t.database.db, user.id, 'aaaaa-aaaaa', later)).toBeNull();
    const stored = await t.database.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    expect(stored.map((row) => row.codeHash).join(' ')).not.toContain(first!.replace('-', ''));
  });

  it('staff without a second factor are sent to set one up before any admin page', async () => {
    const client = await loggedIn('editor');
    const admin = await client.get('/admin/blog/post/');
    expect(admin.statusCode).toBe(302);
    expect(admin.headers.location).toBe(`/accounts/2fa/?next=${encodeURIComponent('/admin/blog/post/')}`);
    // Pages other apps add under the admin too (the jobs page), and the admin's own POSTs.
    expect((await client.get('/admin/jobs/')).statusCode).toBe(302);
    expect((await client.get('/')).statusCode).toBe(200);
    // A visitor who is not staff is not asked (the admin answers 403 itself).
    const visitor = await loggedIn('reader', false);
    expect((await visitor.get('/admin/')).statusCode).toBe(403);
  });

  it('enrols with the QR code, shows ten recovery codes once, then asks for a code after the password', async () => {
    const client = await loggedIn('owner');
    const page = await client.get('/accounts/2fa/?next=/admin/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toContain('no-store');
    expect(page.body).toMatch(
      /<div class="TwoFactor-qr" role="img" aria-label="[^"]+"><svg xmlns="http:\/\/www.w3.org\/2000\/svg"/,
    );
    expect(page.body).not.toMatch(/<svg[^>]*style=|<script/);
    const secret = secretOnPage(page.body);
    // The same secret until it is confirmed (a reload must not break a half-done scan).
    expect(secretOnPage((await client.get('/accounts/2fa/')).body)).toBe(secret);

    const wrong = await client.post('/accounts/2fa/', { code: '000000', next: '/admin/' });
    expect(wrong.statusCode).toBe(400);
    const enrolled = await client.post('/accounts/2fa/', {
      code: codeAt(secret, Date.now()),
      next: '/admin/',
    });
    expect(enrolled.statusCode).toBe(200);
    const codes = recoveryCodesOnPage(enrolled.body);
    expect(codes).toHaveLength(10);
    expect(enrolled.body).toContain('href="/admin/"');
    // This session passed: the admin opens.
    expect((await client.get('/admin/')).statusCode).toBe(200);
    expect(pageText((await client.get('/accounts/2fa/')).body)).toContain('10 recovery codes left');

    // A new login: the password alone logs nobody in.
    const next = new TestClient(t.app);
    await next.get('/accounts/login/');
    const password = await next.post('/accounts/login/', {
      username: 'owner',
      password: GOOD_PASSWORD,
      next: '/admin/',
    });
    expect(password.statusCode).toBe(303);
    expect(password.headers.location).toBe('/accounts/login/verify/');
    expect((await next.get('/admin/')).statusCode).toBe(302);
    expect((await next.get('/admin/')).headers.location).toMatch(/^\/accounts\/login\//);
    const verifyPage = await next.get('/accounts/login/verify/');
    expect(verifyPage.statusCode).toBe(200);
    const refused = await next.post('/accounts/login/verify/', { code: '123456' });
    expect(refused.statusCode).toBe(400);
    expect(pageText(refused.body)).toContain('That code is not right.');
    const recovery = await next.post('/accounts/login/verify/', { code: codes[0] as string });
    expect(recovery.statusCode).toBe(303);
    expect(recovery.headers.location).toBe('/admin/');
    const adminPage = await next.get('/admin/');
    expect(adminPage.statusCode).toBe(200);
    expect(pageText(adminPage.body)).toContain('You logged in with a recovery code. 9 codes are left.');

    // The used recovery code does not work twice.
    const again = new TestClient(t.app);
    await again.get('/accounts/login/');
    await again.post('/accounts/login/', { username: 'owner', password: GOOD_PASSWORD });
    expect((await again.post('/accounts/login/verify/', { code: codes[0] as string })).statusCode).toBe(400);
  });

  it('guessing codes is throttled like guessing passwords (429 after five misses)', async () => {
    const { secret, client } = await halfLoggedIn('guessed', '203.0.113.9');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await client.post('/accounts/login/verify/', { code: `00000${i}` })).statusCode);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    // Even the right code waits out the window now.
    expect(
      (await client.post('/accounts/login/verify/', { code: codeAt(secret, Date.now()) })).statusCode,
    ).toBe(429);
    expect(t.rawLogs()).not.toContain(secret);
  });

  it('a password changed between the two steps voids the login', async () => {
    const { user, secret, client } = await halfLoggedIn('slow');
    await t.database.db.update(users).set({ password: 'changed elsewhere' }).where(eq(users.id, user.id));
    const refused = await client.post('/accounts/login/verify/', { code: codeAt(secret, Date.now()) });
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toBe('/accounts/login/');
    expect((await client.get('/accounts/login/verify/')).headers.location).toBe('/accounts/login/');
  });

  it('turning it off needs the password; disableTwoFactor removes device and codes', async () => {
    const client = await loggedIn('leaving');
    const page = await client.get('/accounts/2fa/');
    const secret = secretOnPage(page.body);
    await client.post('/accounts/2fa/', { code: codeAt(secret, Date.now()) });
    const refused = await client.post('/accounts/2fa/disable/', { password: 'not it' });
    expect(refused.statusCode).toBe(400);
    const off = await client.post('/accounts/2fa/disable/', { password: GOOD_PASSWORD });
    expect(off.statusCode).toBe(303);
    const [leaving] = await t.database.db.select().from(users).where(eq(users.username, 'leaving'));
    expect(await t.database.db.select().from(totpDevices).where(eq(totpDevices.userId, leaving!.id))).toEqual(
      [],
    );
    expect(
      await t.database.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, leaving!.id)),
    ).toEqual([]);
    // Off again: the admin asks for it again.
    expect((await client.get('/admin/')).statusCode).toBe(302);
    expect(await disableTwoFactor(t.database.db, 999_999)).toBe(false);
  });
});
