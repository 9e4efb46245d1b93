/**
 * The cache in the site's database (CACHE_STORE=database, the default): the keen_cache table
 * (./schema.ts). Expiry is judged by the database's clock (`now()`), so every process agrees on it.
 * Each operation is one statement, atomic on its own: `incr` and `add` rely on INSERT … ON CONFLICT
 * taking the row's lock. Expired rows are ignored by reads and deleted, a batch at a time, by about one
 * write in PRUNE_EVERY.
 */
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../db/client.js';
import { CacheInputError } from '../../errors.js';
import type { CacheBackend } from './cache.js';
import { cacheEntries } from './schema.js';

const PRUNE_EVERY = 500;
const PRUNE_BATCH = 1000;
/** An integer the column's text holds that bigint arithmetic cannot overflow with a safe-integer delta. */
const INTEGER_TEXT = '^-?[0-9]{1,18}$';

function expiresIn(ttlSeconds: number) {
  return sql`now() + make_interval(secs => ${ttlSeconds})`;
}

export class DatabaseCache implements CacheBackend {
  readonly kind = 'database' as const;

  constructor(private readonly database: Database) {}

  async readMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    const { db } = this.database;
    const rows = await db
      .select({ key: cacheEntries.key, value: cacheEntries.value })
      .from(cacheEntries)
      .where(and(inArray(cacheEntries.key, [...keys]), gt(cacheEntries.expiresAt, sql`now()`)));
    const byKey = new Map(rows.map((row) => [row.key, row.value]));
    return keys.map((key) => byKey.get(key));
  }

  async write(key: string, json: string, ttlSeconds: number): Promise<void> {
    await this.database.db
      .insert(cacheEntries)
      .values({ key, value: json, expiresAt: expiresIn(ttlSeconds) })
      .onConflictDoUpdate({
        target: cacheEntries.key,
        set: { value: json, expiresAt: expiresIn(ttlSeconds) },
      });
    await this.pruneSometimes();
  }

  async writeIfAbsent(key: string, json: string, ttlSeconds: number): Promise<boolean> {
    // A live row stops the update (no row returned); an expired one is replaced as if absent.
    const rows = await queryRows<{ key: string }>(
      this.database.db,
      sql`INSERT INTO keen_cache (cache_key, value, expires_at) VALUES (${key}, ${json}, ${expiresIn(ttlSeconds)})
          ON CONFLICT (cache_key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
          WHERE keen_cache.expires_at <= now()
          RETURNING cache_key AS key`,
    );
    await this.pruneSometimes();
    return rows.length === 1;
  }

  async remove(key: string): Promise<boolean> {
    const rows = await this.database.db
      .delete(cacheEntries)
      .where(eq(cacheEntries.key, key))
      .returning({ live: sql<boolean>`${cacheEntries.expiresAt} > now()` });
    return rows.length === 1 && rows[0]?.live === true;
  }

  async increment(key: string, delta: number, ttlSeconds: number): Promise<number> {
    // A live integer is increased and keeps its expiry; an expired row counts from 0 with a new one. A
    // live value that is not an integer stops the update, and no row comes back.
    const rows = await queryRows<{ value: string }>(
      this.database.db,
      sql`INSERT INTO keen_cache (cache_key, value, expires_at)
          VALUES (${key}, ${String(delta)}, ${expiresIn(ttlSeconds)})
          ON CONFLICT (cache_key) DO UPDATE SET
            value = (CASE WHEN keen_cache.expires_at > now() THEN keen_cache.value::bigint ELSE 0 END
                     + ${delta}::bigint)::text,
            expires_at = CASE WHEN keen_cache.expires_at > now() THEN keen_cache.expires_at
                              ELSE excluded.expires_at END
          WHERE keen_cache.expires_at <= now() OR keen_cache.value ~ ${INTEGER_TEXT}
          RETURNING value`,
    );
    const value = rows[0]?.value;
    if (value === undefined)
      throw new CacheInputError(`incr of "${key.slice(0, 50)}", which is not an integer`);
    return Number(value);
  }

  private async pruneSometimes(): Promise<void> {
    if (Math.random() * PRUNE_EVERY >= 1) return;
    await queryRows(
      this.database.db,
      sql`DELETE FROM keen_cache WHERE cache_key IN
            (SELECT cache_key FROM keen_cache WHERE expires_at < now() LIMIT ${PRUNE_BATCH})`,
    );
  }
}
