/**
 * Login throttling, stored in the database so it holds across workers, instances and restarts:
 * 5 failures for one account, or 20 from one IP, within 15 minutes → 429 with Retry-After.
 * A successful login clears the account's failures (the IP's stay, so one good password doesn't
 * unlock a credential-stuffing run).
 */
import { and, count, eq, gt, lt, min } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { loginFailures } from './schema.js';

export const THROTTLE = Object.freeze({ perAccount: 5, perIp: 20, windowSeconds: 15 * 60 });

/** Usernames are compared lower-cased, like the unique index. */
function normalise(username: string): string {
  return username.trim().toLowerCase().slice(0, 150);
}

/** Seconds to wait before another attempt, or 0 when one is allowed now. */
export async function retryAfterSeconds(
  db: Db,
  username: string,
  ip: string,
  now = new Date(),
): Promise<number> {
  const since = new Date(now.getTime() - THROTTLE.windowSeconds * 1000);
  const check = async (
    column: typeof loginFailures.username | typeof loginFailures.ip,
    value: string,
    limit: number,
  ) => {
    const [row] = await db
      .select({ failures: count(), oldest: min(loginFailures.attemptedAt) })
      .from(loginFailures)
      .where(and(eq(column, value), gt(loginFailures.attemptedAt, since)));
    if (!row || row.failures < limit || !row.oldest) return 0;
    const oldest = new Date(row.oldest);
    return Math.max(1, Math.ceil((oldest.getTime() + THROTTLE.windowSeconds * 1000 - now.getTime()) / 1000));
  };
  const [account, address] = await Promise.all([
    check(loginFailures.username, normalise(username), THROTTLE.perAccount),
    check(loginFailures.ip, ip, THROTTLE.perIp),
  ]);
  return Math.max(account, address);
}

/** Records one failed attempt, and prunes records older than the window. */
export async function recordFailure(db: Db, username: string, ip: string): Promise<void> {
  await db.insert(loginFailures).values({ username: normalise(username), ip });
  const cutoff = new Date(Date.now() - THROTTLE.windowSeconds * 1000);
  await db.delete(loginFailures).where(lt(loginFailures.attemptedAt, cutoff));
}

/** Clears an account's failures after a successful login. */
export async function clearFailures(db: Db, username: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.username, normalise(username)));
}
