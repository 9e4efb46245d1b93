// Issue 15, part 1: one suite, every throttle store. The limits of src/contrib/auth/throttle.ts must
// count the same, and stay atomic under concurrency, on the database and on Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Attempt,
  openThrottleStore,
  THROTTLE,
  type ThrottleStore,
} from '../../src/contrib/auth/throttle.js';
import { ENGINE } from '../support/database.js';
import { BACKENDS, type BackendFixture, openBackend } from './store-backends.js';

describe.each(BACKENDS)(`throttle store: %s (${ENGINE})`, (backend) => {
  let fixture: BackendFixture;
  let store: ThrottleStore;

  beforeAll(async () => {
    fixture = await openBackend(backend);
    store = openThrottleStore({ throttleStore: backend }, fixture.database.db, fixture.redis);
  });
  afterAll(() => fixture.close());

  const login = (account: string, client: string): Attempt => ({ action: 'login', account, client });

  it('refuses the sixth attempt on one account from one client, with the time left in the window', async () => {
    const now = new Date();
    const attempt = login('anna', '10.1.0.1');
    for (let i = 0; i < THROTTLE.perAccountClient; i++)
      expect((await store.reserve(attempt, now)).allowed).toBe(true);
    const refused = await store.reserve(attempt, new Date(now.getTime() + 60_000));
    expect(refused).toEqual({
      allowed: false,
      limit: 'account-client',
      retryAfterSeconds: THROTTLE.windowSeconds - 60,
    });
    // The same account from another client, and another action, are counted apart.
    expect((await store.reserve(login('anna', '10.1.0.2'), now)).allowed).toBe(true);
    expect((await store.reserve({ ...attempt, action: 'two_factor' }, now)).allowed).toBe(true);
  });

  it('counts usernames case-blind and IPv6 clients by their /64', async () => {
    const now = new Date();
    for (let i = 0; i < THROTTLE.perAccountClient; i++)
      await store.reserve(login(i % 2 ? 'BORIS' : 'boris', `2001:db8:1:2::${i + 1}`), now);
    expect((await store.reserve(login('Boris', '2001:db8:1:2:ffff::1'), now)).allowed).toBe(false);
  });

  it('refuses a client past its limit on every account', async () => {
    const now = new Date();
    for (let i = 0; i < THROTTLE.perClient; i++) await store.reserve(login(`spray-${i}`, '10.2.0.1'), now);
    expect(await store.reserve(login('someone-else', '10.2.0.1'), now)).toMatchObject({
      allowed: false,
      limit: 'client',
    });
  });

  it('slows, never refuses, an account attacked from many clients', async () => {
    const now = new Date();
    const delays: number[] = [];
    for (let i = 1; i <= 13; i++) {
      const decision = await store.reserve(login('clara', `10.3.0.${i}`), now);
      delays.push(decision.allowed ? decision.delayMs : -1);
    }
    expect(delays).toEqual([...Array(10).fill(0), 1000, 2000, 4000]);
  });

  it('gives a success its reservation back and starts again after the window', async () => {
    const now = new Date();
    const attempt = login('dora', '10.4.0.1');
    for (let i = 0; i < 4; i++) await store.reserve(attempt, now);
    await store.succeeded(attempt);
    // The (account, client) count is cleared: five more are allowed, the sixth is not.
    for (let i = 0; i < THROTTLE.perAccountClient; i++)
      expect((await store.reserve(attempt, now)).allowed).toBe(true);
    expect((await store.reserve(attempt, now)).allowed).toBe(false);
    const later = new Date(now.getTime() + (THROTTLE.windowSeconds + 1) * 1000);
    expect((await store.reserve(attempt, later)).allowed).toBe(true);
  });

  it('checks no more than the limit when 30 attempts arrive at once', async () => {
    const now = new Date();
    const decisions = await Promise.all(
      Array.from({ length: 30 }, () => store.reserve(login('eva', '10.5.0.1'), now)),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(THROTTLE.perAccountClient);
  });

  it('unlocks an account on every client and action, or one client', async () => {
    const now = new Date();
    for (const client of ['10.6.0.1', '10.6.0.2'])
      for (let i = 0; i < 6; i++) await store.reserve(login('fred', client), now);
    for (let i = 0; i < 6; i++)
      await store.reserve({ action: 'password_change', account: 'fred', client: '10.6.0.1' }, now);
    expect(await store.unlock({ account: 'FRED' })).toBeGreaterThanOrEqual(3);
    expect((await store.reserve(login('fred', '10.6.0.1'), now)).allowed).toBe(true);
    expect((await store.reserve(login('fred', '10.6.0.2'), now)).allowed).toBe(true);

    for (let i = 0; i < 25; i++) await store.reserve(login(`x${i}`, '10.6.0.9'), now);
    expect((await store.reserve(login('fred', '10.6.0.9'), now)).allowed).toBe(false);
    expect(await store.unlock({ client: '10.6.0.9' })).toBeGreaterThan(0);
    expect((await store.reserve(login('fred', '10.6.0.9'), now)).allowed).toBe(true);
    expect(await store.unlock({})).toBe(0);
  });

  it('keeps odd account names apart and out of key patterns', async () => {
    const now = new Date();
    for (let i = 0; i < 6; i++) await store.reserve(login('a:b*', '10.7.0.1'), now);
    expect((await store.reserve(login('a', '10.7.0.1'), now)).allowed).toBe(true);
    expect((await store.reserve(login('a:b', '10.7.0.1'), now)).allowed).toBe(true);
    // Unlocking "a:b" clears its own counters, not those of "a:b*".
    await store.unlock({ account: 'a:b' });
    expect((await store.reserve(login('a:b*', '10.7.0.1'), now)).allowed).toBe(false);
    expect(await store.unlock({ account: 'a:b*' })).toBeGreaterThan(0);
    expect((await store.reserve(login('a:b*', '10.7.0.1'), now)).allowed).toBe(true);
  });

  it('prunes counters whose window has passed', async () => {
    const past = new Date(Date.now() - (THROTTLE.windowSeconds + 5) * 1000);
    await store.reserve(login('gleb', '10.8.0.1'), past);
    const pruned = await store.prune();
    // Redis expires a counter by itself at the end of its window; the database deletes it here.
    if (backend === 'database') expect(pruned).toBeGreaterThan(0);
    else expect(pruned).toBe(0);
  });
});
