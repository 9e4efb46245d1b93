/**
 * Throttling of password guesses (login, the password-change page's old password; next the reset
 * request and two-factor codes), after the OWASP authentication cheat sheet, django-axes and
 * rack-attack. Failures are counted in three places, each a counter with a fixed 15-minute window (a
 * row of `auth_throttle`, or a Redis key: THROTTLE_STORE):
 *
 * - per (account, client): 5 → that client gets 429 for that account only. A stranger's failures never
 *   lock the owner's own client out.
 * - per client (an IPv4 address, or an IPv6 /64): 20 → 429 for that client on every account.
 * - per account, from all clients: past 10, each attempt waits before its password check, 1 s doubling
 *   to 10 s. It slows a botnet spread over many addresses, and never refuses: the owner still gets in.
 *
 * An attempt is reserved before the password is checked, in one atomic step over the three counters
 * (an upsert, or a Lua script, that returns the new counts), so N concurrent requests never check more
 * passwords than the limits allow. A success gives its reservation back: the (account, client) counter
 * is deleted and the other two go down by one, so only failures count. `keen unlock` and the user
 * admin's "Unlock login" clear an account's counters.
 */
import { isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { Db, Tx } from '../../db/client.js';
import { ThrottledError } from '../../errors.js';
import { capForLog } from '../../log.js';
import type { StoreSettings } from '../../settings/stores.js';
import type { RedisConnection } from '../../stores/redis.js';
import { DatabaseThrottleStore } from './throttle-database-store.js';
import { RedisThrottleStore } from './throttle-redis-store.js';

export const THROTTLE = Object.freeze({
  windowSeconds: 15 * 60,
  perAccountClient: 5,
  perClient: 20,
  /** Failures on one account (all clients) before attempts start to wait. */
  accountSlowdownAfter: 10,
  firstDelayMs: 1000,
  maxDelayMs: 10_000,
});

/** What is being guessed: each has its own counters. */
export type ThrottledAction = 'login' | 'password_change' | 'password_reset' | 'two_factor';

export interface Attempt {
  action: ThrottledAction;
  /** The account named (a username, any case). */
  account: string;
  /** The client's address (`request.ip`). */
  client: string;
}

export type Decision =
  | { allowed: true /** Wait this long before checking the password. */; delayMs: number }
  | { allowed: false; retryAfterSeconds: number; limit: 'account-client' | 'client' };

/** Usernames are compared lower-cased, like the unique index; longer ones are refused before this. */
export function accountKey(username: string): string {
  return username.trim().toLowerCase().slice(0, 150);
}

/** An IPv4 address as it is; an IPv6 address as its /64, which one host can rotate through freely. */
export function clientKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** How long an attempt on an account with `failures` recent failures waits (0 below the threshold). */
export function slowdownMs(failures: number): number {
  const over = failures - THROTTLE.accountSlowdownAfter;
  if (over <= 0) return 0;
  return Math.min(THROTTLE.maxDelayMs, THROTTLE.firstDelayMs * 2 ** Math.min(over - 1, 20));
}

/** One counter as a store read it after counting an attempt. */
export interface Counter {
  attempts: number;
  /** When its window began, in ms. */
  windowStart: number;
}

/** The three counters an attempt touches, after it was counted. */
export interface Counted {
  accountClient: Counter;
  client: Counter;
  account: Counter;
}

/** The verdict on an attempt from its three counters: the same rule on every store. */
export function decide(counted: Counted, now: number): Decision {
  const retryAfter = (counter: Counter) =>
    Math.max(1, Math.ceil((counter.windowStart + THROTTLE.windowSeconds * 1000 - now) / 1000));
  if (counted.accountClient.attempts > THROTTLE.perAccountClient)
    return { allowed: false, retryAfterSeconds: retryAfter(counted.accountClient), limit: 'account-client' };
  if (counted.client.attempts > THROTTLE.perClient)
    return { allowed: false, retryAfterSeconds: retryAfter(counted.client), limit: 'client' };
  return { allowed: true, delayMs: slowdownMs(counted.account.attempts) };
}

/**
 * Where the counters live (THROTTLE_STORE): the site's database (./throttle-database-store.ts) or
 * Redis (./throttle-redis-store.ts). Both pass test/stores/throttle-conformance.test.ts.
 */
export interface ThrottleStore {
  readonly kind: 'database' | 'redis';
  /**
   * Counts one attempt on its three counters in one atomic step (a window that has passed starts
   * again at 1) and says whether it may go ahead. `now` is for tests; by default this process's clock.
   */
  reserve(attempt: Attempt, now?: Date): Promise<Decision>;
  /** A successful attempt: the (account, client) count is cleared, the others get their reservation back. */
  succeeded(attempt: Attempt): Promise<void>;
  /**
   * Clears every counter of an account (all actions and clients), or of a client: `keen unlock` and the
   * admin's "Unlock login". Returns how many counters went. On the database it joins `tx`.
   */
  unlock(target: { account?: string; client?: string }, tx?: Tx): Promise<number>;
  /** Deletes counters whose window has passed (Redis expires them itself). */
  prune(now?: Date): Promise<number>;
}

/** The store THROTTLE_STORE names; Redis needs the process's connection. */
export function openThrottleStore(
  settings: Pick<StoreSettings, 'throttleStore'>,
  db: Db,
  redis: RedisConnection | null,
): ThrottleStore {
  if (settings.throttleStore === 'redis') {
    if (!redis) throw new Error('THROTTLE_STORE is redis but no Redis connection was opened');
    return new RedisThrottleStore(redis);
  }
  return new DatabaseThrottleStore(db);
}

/**
 * Reserves a password attempt; a refused one is a 429, an allowed one may first have to wait (the
 * account is under attack from many clients). `attempt.action` says what is being guessed.
 */
export async function throttleAttempt(
  store: ThrottleStore,
  request: FastifyRequest,
  attempt: Attempt,
): Promise<void> {
  const decision = await store.reserve(attempt);
  const username = capForLog(attempt.account, 150);
  if (!decision.allowed) {
    request.server.metrics?.throttled(attempt.action, decision.limit);
    request.log.warn(
      {
        action: attempt.action,
        username,
        ip: request.ip,
        limit: decision.limit,
        retryAfter: decision.retryAfterSeconds,
      },
      'password attempts throttled',
    );
    throw new ThrottledError(decision.retryAfterSeconds);
  }
  if (decision.delayMs > 0) {
    request.log.warn(
      { action: attempt.action, username, delayMs: decision.delayMs },
      'password attempt slowed',
    );
    await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
  }
}
