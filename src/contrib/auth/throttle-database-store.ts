/** Login-throttle counters in the site's database, table `auth_throttle`: the default store. */
import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { type Db, queryRows, type Tx } from '../../db/client.js';
import { throttleCounters } from './schema.js';
import {
  type Attempt,
  accountKey,
  type Counter,
  clientKey,
  type Decision,
  decide,
  THROTTLE,
  type ThrottleStore,
} from './throttle.js';

interface CounterRow {
  scope: 'account_client' | 'client' | 'account';
  attempts: number;
  window_start: Date | string;
}

// Counted in a few places: a prune runs on about one reservation in 50.
const PRUNE_ONE_IN = 50;

export class DatabaseThrottleStore implements ThrottleStore {
  readonly kind = 'database';

  constructor(private readonly db: Db) {}

  async reserve(attempt: Attempt, now = new Date()): Promise<Decision> {
    const account = accountKey(attempt.account);
    const client = clientKey(attempt.client);
    const { action } = attempt;
    const windowStart = new Date(now.getTime() - THROTTLE.windowSeconds * 1000);
    // One statement: each row is locked while it is counted, so concurrent attempts get 1, 2, 3…
    const rows = await queryRows<CounterRow>(
      this.db,
      sql`INSERT INTO auth_throttle AS t (scope, action, account, client, window_start, attempts)
          VALUES ('account_client', ${action}, ${account}, ${client}, ${now}, 1),
                 ('client', ${action}, '', ${client}, ${now}, 1),
                 ('account', ${action}, ${account}, '', ${now}, 1)
          ON CONFLICT (scope, action, account, client) DO UPDATE SET
            attempts = CASE WHEN t.window_start <= ${windowStart} THEN 1 ELSE t.attempts + 1 END,
            window_start = CASE WHEN t.window_start <= ${windowStart} THEN ${now} ELSE t.window_start END
          RETURNING t.scope, t.attempts, t.window_start`,
    );
    if (Math.random() * PRUNE_ONE_IN < 1) await this.prune(now);
    const of = (scope: CounterRow['scope']): Counter => {
      const row = rows.find((candidate) => candidate.scope === scope);
      return row
        ? { attempts: row.attempts, windowStart: new Date(row.window_start).getTime() }
        : { attempts: 0, windowStart: now.getTime() };
    };
    return decide(
      { accountClient: of('account_client'), client: of('client'), account: of('account') },
      now.getTime(),
    );
  }

  async succeeded(attempt: Attempt): Promise<void> {
    const account = accountKey(attempt.account);
    const client = clientKey(attempt.client);
    const { action } = attempt;
    await this.db
      .delete(throttleCounters)
      .where(
        and(
          eq(throttleCounters.scope, 'account_client'),
          eq(throttleCounters.action, action),
          eq(throttleCounters.account, account),
          eq(throttleCounters.client, client),
        ),
      );
    await this.db
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

  async unlock(target: { account?: string; client?: string }, tx?: Tx): Promise<number> {
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
    const deleted = await (tx ?? this.db)
      .delete(throttleCounters)
      .where(or(...conditions))
      .returning({ scope: throttleCounters.scope });
    return deleted.length;
  }

  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - THROTTLE.windowSeconds * 1000);
    const deleted = await this.db
      .delete(throttleCounters)
      .where(lt(throttleCounters.windowStart, cutoff))
      .returning({ scope: throttleCounters.scope });
    return deleted.length;
  }
}
