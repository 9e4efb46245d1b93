/**
 * The Redis the tests use: Debian's redis-server on loopback, which `.ci/run` starts when it is not
 * running (KEEN_TEST_REDIS_URL to point elsewhere). Each test takes a key prefix of its own, so tests
 * running at once never see each other's keys, and deletes its keys when done.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.KEEN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** A fresh key prefix, such as `keen-test-1a2b3c4d:`. */
export function testRedisPrefix(): string {
  return `keen-test-${randomUUID().slice(0, 8)}:`;
}

/** Settings that put every store on Redis under `prefix`. */
export function redisEnv(prefix: string): Record<string, string> {
  return { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
}

/** Deletes every key under `prefix`. */
export async function dropRedisKeys(prefix: string): Promise<void> {
  const client = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
