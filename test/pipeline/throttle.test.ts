// Issue 14: login throttling that strangers cannot use to lock the owner out, and that concurrent
// requests cannot get past (attempts are reserved before the password is checked).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordChecksMade } from '../../src/contrib/auth/passwords/hashers.js';
import { clientKey, slowdownMs, THROTTLE } from '../../src/contrib/auth/throttle.js';
import { queryRows } from '../../src/db/client.js';
import { postEntries } from '../admin/view-helpers.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

const WRONG = 'not-the-password-1';

describe(`login throttling (${ENGINE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.createUser({ username: 'boss', isStaff: true, isSuperuser: true });
    for (const name of ['eve', 'frank', 'gina', 'hugo', 'ivan', 'june'])
      await t.createUser({ username: name });
  });
  afterAll(() => t.close());

  const from = (ip: string) => new TestClient(t.app, { remoteAddress: ip });
  /** `count` browsers at one address, each holding the login form's token, ready to post at once. */
  const browsersWithLoginForm = (count: number, ip: string) =>
    Promise.all(
      Array.from({ length: count }, async () => {
        const client = from(ip);
        await client.get('/accounts/login/');
        return client;
      }),
    );
  const counters = () =>
    queryRows<{ scope: string; account: string; client: string; attempts: number }>(
      t.database.db,
      sql`SELECT scope, account, client, attempts FROM auth_throttle ORDER BY scope, account, client`,
    );

  it("strangers' failures from other addresses do not lock the owner out", async () => {
    for (let i = 1; i <= 6; i++)
      expect((await from(`203.0.113.${i}`).login('boss', WRONG)).statusCode).toBe(400);
    // Ten more strangers: still fewer than the account-wide slowdown threshold... then past it.
    const owner = await from('198.51.100.7').login('boss', GOOD_PASSWORD);
    expect(owner.statusCode).toBe(303);
  });

  it('the 6th attempt from one client on one account is 429; that client may still try other accounts', async () => {
    const client = from('192.0.2.10');
    for (let i = 0; i < THROTTLE.perAccountClient; i++)
      expect((await client.login('eve', WRONG)).statusCode).toBe(400);
    const refused = await client.login('eve', GOOD_PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(THROTTLE.windowSeconds);
    expect((await client.login('frank', GOOD_PASSWORD)).statusCode).toBe(303);
    // Eve herself, from her own address, is not affected.
    expect((await from('192.0.2.11').login('eve', GOOD_PASSWORD)).statusCode).toBe(303);
  });

  it('100 concurrent wrong logins for one username check at most 5 passwords', async () => {
    const clients = await browsersWithLoginForm(100, '192.0.2.20');
    const before = passwordChecksMade();
    const responses = await Promise.all(
      clients.map((client) => client.post('/accounts/login/', { username: 'gina', password: WRONG })),
    );
    const checked = passwordChecksMade() - before;
    expect(checked).toBeLessThanOrEqual(THROTTLE.perAccountClient);
    expect(responses.filter((res) => res.statusCode === 400)).toHaveLength(checked);
    expect(responses.filter((res) => res.statusCode === 429)).toHaveLength(100 - checked);
  });

  it('50 concurrent logins from one address across usernames check at most 20 passwords', async () => {
    const clients = await browsersWithLoginForm(50, '192.0.2.30');
    const before = passwordChecksMade();
    const responses = await Promise.all(
      clients.map((client, i) =>
        client.post('/accounts/login/', { username: `nobody-${i}`, password: WRONG }),
      ),
    );
    expect(passwordChecksMade() - before).toBeLessThanOrEqual(THROTTLE.perClient);
    expect(responses.filter((res) => res.statusCode === 429).length).toBeGreaterThanOrEqual(30);
  });

  it('past 10 failures on an account, attempts from fresh clients are slowed, never refused', async () => {
    const now = new Date();
    const decisions = [];
    for (let i = 1; i <= 14; i++) {
      decisions.push(
        await t.app.keen.stores.throttle.reserve(
          { action: 'login', account: 'hugo', client: `10.9.0.${i}` },
          now,
        ),
      );
    }
    expect(decisions.every((decision) => decision.allowed)).toBe(true);
    const delays = decisions.map((decision) => (decision.allowed ? decision.delayMs : -1));
    expect(delays.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(delays.slice(10)).toEqual([1000, 2000, 4000, 8000]);
    expect(slowdownMs(100)).toBe(THROTTLE.maxDelayMs);
  });

  it('a success clears its (account, client) count and gives back its reservation; windows expire', async () => {
    const store = t.app.keen.stores.throttle;
    const attempt = { action: 'login' as const, account: 'Ivan', client: '10.8.0.1' };
    const now = new Date();
    for (let i = 0; i < 4; i++) await store.reserve(attempt, now);
    await store.succeeded(attempt);
    const rows = (await counters()).filter((row) => row.account === 'ivan' || row.client === '10.8.0.1');
    expect(rows).toEqual([
      { scope: 'account', account: 'ivan', client: '', attempts: 3 },
      { scope: 'client', account: '', client: '10.8.0.1', attempts: 3 },
    ]);
    for (let i = 0; i < 5; i++) expect((await store.reserve(attempt, now)).allowed).toBe(true);
    expect((await store.reserve(attempt, now)).allowed).toBe(false);
    // A window later the counts start again.
    const later = new Date(now.getTime() + (THROTTLE.windowSeconds + 1) * 1000);
    expect((await store.reserve(attempt, later)).allowed).toBe(true);
  });

  it('unlock clears an account on every client, or one client', async () => {
    const store = t.app.keen.stores.throttle;
    const attempt = { action: 'login' as const, account: 'june', client: '10.7.0.1' };
    for (let i = 0; i < 6; i++) await store.reserve(attempt);
    expect((await store.reserve(attempt)).allowed).toBe(false);
    expect(await store.unlock({ account: 'JUNE' })).toBeGreaterThan(0);
    expect((await store.reserve(attempt)).allowed).toBe(true);
    for (let i = 0; i < 25; i++) await store.reserve({ ...attempt, account: `x${i}`, client: '10.7.0.2' });
    expect((await store.reserve({ ...attempt, client: '10.7.0.2' })).allowed).toBe(false);
    await store.unlock({ client: '10.7.0.2' });
    expect((await store.reserve({ ...attempt, client: '10.7.0.2' })).allowed).toBe(true);
  });

  it('the user admin’s "Unlock login" action clears the selected users', async () => {
    const locked = from('10.6.0.1');
    for (let i = 0; i < 6; i++) await locked.login('frank', WRONG);
    expect((await locked.login('frank', GOOD_PASSWORD)).statusCode).toBe(429);
    const admin = from('10.6.0.2');
    await admin.login('boss', GOOD_PASSWORD);
    const list = await admin.get('/admin/auth/user/');
    expect(list.body).toContain('<option value="unlock_login">Unlock login</option>');
    const [frank] = await queryRows<{ id: number }>(
      t.database.db,
      sql`SELECT id FROM auth_user WHERE username = 'frank'`,
    );
    const done = await postEntries(admin, '/admin/auth/user/', [
      ['action', 'unlock_login'],
      ['_selected_action', String(frank?.id)],
    ]);
    expect(done.statusCode).toBe(303);
    expect((await admin.get('/admin/auth/user/')).body).toContain('Unlocked the login of “frank”.');
    expect((await locked.login('frank', GOOD_PASSWORD)).statusCode).toBe(303);
  });

  it('the old password on the password-change page is throttled the same way', async () => {
    const client = from('10.5.0.1');
    expect((await client.login('ivan', GOOD_PASSWORD)).statusCode).toBe(303);
    const change = (old: string) =>
      client.get('/accounts/password_change/').then(() =>
        client.post('/accounts/password_change/', {
          old_password: old,
          new_password1: 'a-Brand-new-password-99',
          new_password2: 'a-Brand-new-password-99',
        }),
      );
    for (let i = 0; i < THROTTLE.perAccountClient; i++) expect((await change(WRONG)).statusCode).toBe(400);
    expect((await change(GOOD_PASSWORD)).statusCode).toBe(429);
  });

  it('an overlong username is refused before any query and logged shortened', async () => {
    const client = from('10.4.0.1');
    await client.get('/accounts/login/');
    const before = await counters();
    const res = await client.post('/accounts/login/', { username: 'u'.repeat(2_000_000), password: WRONG });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('at most 150 characters');
    expect(res.body.length).toBeLessThan(20_000);
    expect(await counters()).toEqual(before);
    const line = t.logs.find((entry) => entry.msg === 'login refused: username too long');
    expect(JSON.stringify(line).length).toBeLessThan(1000);
  });

  it('the login, password-change and setup pages are never cached', async () => {
    for (const url of ['/accounts/login/', '/accounts/password_change/']) {
      const res = await t.app.inject({ url, headers: { host: 'localhost' } });
      expect(String(res.headers['cache-control']), url).toContain('no-store');
    }
    const failed = await from('10.3.0.1').login('boss', WRONG);
    expect(String(failed.headers['cache-control'])).toContain('no-store');
  });
});

describe('client keys', () => {
  it('keep IPv4 addresses and fold IPv6 addresses to their /64', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2::99')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });
});
