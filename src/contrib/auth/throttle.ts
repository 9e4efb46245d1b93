/**
 * Throttling of password guesses (login, the password-change page's old password; next the reset
 * request and two-factor codes), after the OWASP authentication cheat sheet, django-axes and
 * rack-attack. Failures are counted in three places, each a row of `auth_throttle` with a fixed
 * 15-minute window:
 *
 * - per (account, client): 5 → that client gets 429 for that account only. A stranger's failures never
 *   lock the owner's own client out.
 * - per client (an IPv4 address, or an IPv6 /64): 20 → 429 for that client on every account.
 * - per account, from all clients: past 10, each attempt waits before its password check, 1 s doubling
 *   to 10 s. It slows a botnet spread over many addresses, and never refuses: the owner still gets in.
 *
 * An attempt is reserved before the password is checked, in one statement over the three rows (an
 * upsert that returns the new counts), so N concurrent requests never check more passwords than the
 * limits allow. A success gives its reservation back: the (account, client) row is deleted and the other
 * two counts go down by one, so only failures count. `keen unlock` and the user admin's "Unlock login"
 * clear an account's rows.
 */
import { isIPv6 } from 'node:net';
import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { type Db, queryRows, type Tx } from '../../db/client.js';
import { ThrottledError } from '../../errors.js';
import { capForLog } from '../../log.js';
import { throttleCounters } from './schema.js';

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

interface CounterRow {
  scope: 'account_client' | 'client' | 'account';
  attempts: number;
  window_start: Date | string;
}

// Counted in a few places: a prune runs on about one reservation in 50.
const PRUNE_ONE_IN = 50;

/**
 * Reserves one attempt and says whether it may go ahead. `now` is for tests; production uses the
 * database's clock through it (the same instant on every row).
 */
export async function reserveAttempt(db: Db, attempt: Attempt, now = new Date()): Promise<Decision> {
  const account = accountKey(attempt.account);
  const client = clientKey(attempt.client);
  const { action } = attempt;
  const windowStart = new Date(now.getTime() - THROTTLE.windowSeconds * 1000);
  // One statement: each row is locked while it is counted, so concurrent attempts get 1, 2, 3…
  const rows = await queryRows<CounterRow>(
    db,
    sql`INSERT INTO auth_throttle AS t (scope, action, account, client, window_start, attempts)
        VALUES ('account_client', ${action}, ${account}, ${client}, ${now}, 1),
               ('client', ${action}, '', ${client}, ${now}, 1),
               ('account', ${action}, ${account}, '', ${now}, 1)
        ON CONFLICT (scope, action, account, client) DO UPDATE SET
          attempts = CASE WHEN t.window_start <= ${windowStart} THEN 1 ELSE t.attempts + 1 END,
          window_start = CASE WHEN t.window_start <= ${windowStart} THEN ${now} ELSE t.window_start END
        RETURNING t.scope, t.attempts, t.window_start`,
  );
  if (Math.random() * PRUNE_ONE_IN < 1) await pruneThrottle(db, now);
  const of = (scope: CounterRow['scope']) => rows.find((row) => row.scope === scope);
  const retryAfter = (row: CounterRow | undefined) => {
    const started = row ? new Date(row.window_start).getTime() : now.getTime();
    return Math.max(1, Math.ceil((started + THROTTLE.windowSeconds * 1000 - now.getTime()) / 1000));
  };
  const pair = of('account_client');
  if ((pair?.attempts ?? 0) > THROTTLE.perAccountClient)
    return { allowed: false, retryAfterSeconds: retryAfter(pair), limit: 'account-client' };
  const byClient = of('client');
  if ((byClient?.attempts ?? 0) > THROTTLE.perClient)
    return { allowed: false, retryAfterSeconds: retryAfter(byClient), limit: 'client' };
  return { allowed: true, delayMs: slowdownMs(of('account')?.attempts ?? 0) };
}

/** A successful attempt: the (account, client) count is cleared, the others get their reservation back. */
export async function attemptSucceeded(db: Db, attempt: Attempt): Promise<void> {
  const account = accountKey(attempt.account);
  const client = clientKey(attempt.client);
  const { action } = attempt;
  await db
    .delete(throttleCounters)
    .where(
      and(
        eq(throttleCounters.scope, 'account_client'),
        eq(throttleCounters.action, action),
        eq(throttleCounters.account, account),
        eq(throttleCounters.client, client),
      ),
    );
  await db
    .update(throttleCounters)
    .set({ attempts: sql`greatest(${throttleCounters.attempts} - 1, 0)` })
    .where(
      and(
        eq(throttleCounters.action, action),
        or(
          and(eq(throttleCounters.scope, 'client'), eq(throttleCounters.client, client)),
          and(eq(throttleCounters.scope, 'account'), eq(throttleCounters.account, account)),
        ),
      ),
    );
}

/**
 * Clears every counter of an account (all actions and clients), or of a client: `keen unlock` and the
 * admin's "Unlock login". Returns how many rows went.
 */
export async function unlock(db: Db | Tx, target: { account?: string; client?: string }): Promise<number> {
  const conditions = [];
  if (target.account !== undefined) {
    conditions.push(
      and(
        inArray(throttleCounters.scope, ['account', 'account_client']),
        eq(throttleCounters.account, accountKey(target.account)),
      ),
    );
  }
  if (target.client !== undefined) {
    conditions.push(
      and(
        inArray(throttleCounters.scope, ['client', 'account_client']),
        eq(throttleCounters.client, clientKey(target.client)),
      ),
    );
  }
  if (conditions.length === 0) return 0;
  const deleted = await db
    .delete(throttleCounters)
    .where(or(...conditions))
    .returning({ scope: throttleCounters.scope });
  return deleted.length;
}

/** Deletes counters whose window has passed (they would restart at 1 anyway). */
export async function pruneThrottle(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - THROTTLE.windowSeconds * 1000);
  const deleted = await db
    .delete(throttleCounters)
    .where(lt(throttleCounters.windowStart, cutoff))
    .returning({ scope: throttleCounters.scope });
  return deleted.length;
}

/**
 * Reserves a password attempt; a refused one is a 429, an allowed one may first have to wait (the
 * account is under attack from many clients). `attempt.action` says what is being guessed.
 */
export async function throttleAttempt(db: Db, request: FastifyRequest, attempt: Attempt): Promise<void> {
  const decision = await reserveAttempt(db, attempt);
  const username = capForLog(attempt.account, 150);
  if (!decision.allowed) {
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
