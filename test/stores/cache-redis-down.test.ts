/**
 * The Redis cache when Redis goes away: a redis-server of this test's own, killed and started again. Every call during the outage fails as RedisUnavailableError (never a
 * miss or a write that "worked"), the outage is logged once, and the same cache works again after the
 * restart without being reopened.
 */
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { KeenCache } from '../../src/contrib/cache/cache.js';
import { RedisCache } from '../../src/contrib/cache/redis-cache.js';
import { RedisUnavailableError } from '../../src/errors.js';
import { Secret } from '../../src/settings/secret.js';
import { RedisConnection } from '../../src/stores/redis.js';
import { type OwnRedis, startOwnRedis } from '../support/redis.js';

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the Redis cache while Redis is down', () => {
  let redis: OwnRedis | null = null;
  let connection: RedisConnection | null = null;

  afterAll(async () => {
    await connection?.close();
    await redis?.stop();
  });

  it('answers 503 during the outage, logs it once, and recovers by itself', async () => {
    redis = await startOwnRedis();
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    connection = await RedisConnection.open({
      url: new Secret(redis.url),
      keyPrefix: 'keen-down-test:',
      logger,
    });
    const cache = new KeenCache(new RedisCache(connection));
    await cache.set('page', { body: 'before' }, 60);
    expect(await cache.get('page')).toEqual({ body: 'before' });

    await redis.kill();
    await until(() => !connection?.isUp, 5000);

    const calls: Promise<unknown>[] = [
      cache.get('page'),
      cache.getMany(['page']),
      cache.set('page', 'lost', 60),
      cache.add('other', 1, 60),
      cache.delete('page'),
      cache.incr('counter', 1, 60),
      cache.getOrSet('produced', 60, async () => 'value'),
    ];
    for (const call of calls) {
      const error = await call.then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as RedisUnavailableError).statusCode).toBe(503);
    }
    // ioredis keeps trying to reconnect meanwhile; each failed attempt must not log again.
    await new Promise((resolve) => setTimeout(resolve, 700));
    await expect(cache.get('page')).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(lines.filter((line) => line.includes('redis is unreachable'))).toHaveLength(1);

    await redis.start();
    await until(() => connection?.isUp === true, 10_000);
    // Redis kept its data (append-only file); nothing attempted during the outage was applied.
    expect(await cache.get('page')).toEqual({ body: 'before' });
    await cache.set('page', { body: 'after' }, 60);
    expect(await cache.get('page')).toEqual({ body: 'after' });
    expect(await cache.incr('counter', 2, 60)).toBe(2);
    expect(lines.filter((line) => line.includes('redis is unreachable'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('redis is reachable again'))).toHaveLength(1);
  });
});
