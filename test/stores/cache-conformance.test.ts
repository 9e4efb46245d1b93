/**
 * One suite, every cache backend: the database (on the test engine), Redis (the test server, under a
 * prefix of this test's own) and memory. Each case opens two KeenCache objects over the same storage,
 * as two processes would have, for the cases about what happens across processes.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cache, KeenCache, type StampedeOptions } from '../../src/contrib/cache/cache.js';
import { DatabaseCache } from '../../src/contrib/cache/database-cache.js';
import { MemoryCache } from '../../src/contrib/cache/memory-cache.js';
import { RedisCache } from '../../src/contrib/cache/redis-cache.js';
import { CacheInputError } from '../../src/errors.js';
import { Secret } from '../../src/settings/secret.js';
import { RedisConnection } from '../../src/stores/redis.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import { dropRedisKeys, TEST_REDIS_URL, testRedisPrefix } from '../support/redis.js';

interface Backend {
  name: string;
  /** Two caches over one storage: two processes. */
  open(stampede?: StampedeOptions): Promise<[Cache, Cache]>;
  close(): Promise<void>;
}

const silent = pino({ level: 'silent' });

function databaseBackend(): Backend {
  let database: TestDatabase | null = null;
  return {
    name: `database (${ENGINE})`,
    async open(stampede) {
      database ??= await createTestDatabase();
      const storage = new DatabaseCache(database);
      return [new KeenCache(storage, stampede), new KeenCache(new DatabaseCache(database), stampede)];
    },
    async close() {
      await database?.close();
    },
  };
}

function redisBackend(): Backend {
  const prefix = testRedisPrefix();
  const connections: RedisConnection[] = [];
  return {
    name: 'redis',
    async open(stampede) {
      const open = () =>
        RedisConnection.open({ url: new Secret(TEST_REDIS_URL), keyPrefix: prefix, logger: silent });
      const [first, second] = await Promise.all([open(), open()]);
      connections.push(first, second);
      return [
        new KeenCache(new RedisCache(first), stampede),
        new KeenCache(new RedisCache(second), stampede),
      ];
    },
    async close() {
      await Promise.all(connections.map((connection) => connection.close()));
      await dropRedisKeys(prefix);
    },
  };
}

function memoryBackend(): Backend {
  return {
    name: 'memory',
    async open(stampede) {
      const storage = new MemoryCache();
      return [new KeenCache(storage, stampede), new KeenCache(storage, stampede)];
    },
    async close() {},
  };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let keyNumber = 0;
/** A key no other case uses (the database and Redis outlive a case). */
const freshKey = (name: string) => `${name}-${++keyNumber}-${Date.now()}`;

describe.each([databaseBackend(), redisBackend(), memoryBackend()])('cache conformance: $name', (backend) => {
  let cache: Cache;
  let other: Cache;

  beforeAll(async () => {
    [cache, other] = await backend.open();
  });
  afterAll(async () => {
    await backend.close();
  });

  it('gives back what was set, through JSON, and undefined for a miss', async () => {
    const key = freshKey('round-trip');
    expect(await cache.get(key)).toBeUndefined();
    const value = { title: 'Заметки', tags: ['a', 'b'], count: 3, draft: false, nothing: null };
    await cache.set(key, value, 60);
    expect(await cache.get(key)).toEqual(value);
    expect(await other.get(key)).toEqual(value);
    await cache.set(key, null, 60);
    expect(await cache.get(key)).toBeNull();
    const many = await cache.getMany([key, freshKey('absent')]);
    expect([...many]).toEqual([[key, null]]);
  });

  it('forgets a value once its lifetime is over', async () => {
    const key = freshKey('ttl');
    await cache.set(key, 'soon gone', 0.3);
    expect(await cache.get(key)).toBe('soon gone');
    await wait(600);
    expect(await cache.get(key)).toBeUndefined();
    expect(await cache.getMany([key])).toEqual(new Map());
    // add treats an expired value as absent.
    expect(await cache.add(key, 'again', 60)).toBe(true);
    expect(await cache.get(key)).toBe('again');
  });

  it('adds only when absent, and deletes', async () => {
    const key = freshKey('add');
    expect(await cache.add(key, 1, 60)).toBe(true);
    expect(await other.add(key, 2, 60)).toBe(false);
    expect(await cache.get(key)).toBe(1);
    expect(await other.delete(key)).toBe(true);
    expect(await cache.get(key)).toBeUndefined();
    expect(await cache.delete(key)).toBe(false);
  });

  it('increments atomically under concurrency, keeping the first expiry', async () => {
    const key = freshKey('incr');
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, index) => (index % 2 ? cache : other).incr(key, 1, 60)),
    );
    expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    expect(await cache.get(key)).toBe(40);
    expect(await cache.incr(key, -5, 60)).toBe(35);

    const windowed = freshKey('incr-window');
    expect(await cache.incr(windowed, 2, 0.3)).toBe(2);
    expect(await cache.incr(windowed, 2, 60)).toBe(4); // the window set by the first call still runs
    await wait(600);
    expect(await cache.incr(windowed, 1, 60)).toBe(1);
  });

  it('produces once for 20 concurrent getOrSet callers, across two processes', async () => {
    const key = freshKey('stampede');
    let produced = 0;
    const produce = async () => {
      produced += 1;
      await wait(150);
      return { rendered: produced };
    };
    const values = await Promise.all(
      Array.from({ length: 20 }, (_, index) => (index < 10 ? cache : other).getOrSet(key, 60, produce)),
    );
    expect(produced).toBe(1);
    expect(values).toEqual(Array.from({ length: 20 }, () => ({ rendered: 1 })));
    expect(await cache.getOrSet(key, 60, produce)).toEqual({ rendered: 1 });
    expect(produced).toBe(1);
  });

  it('produces itself when the lock holder is slow, and shares a failure within the process', async () => {
    const [patient, impatient] = await backend.open({ lockWaitMs: 100, pollMs: 20 });
    const key = freshKey('slow-holder');
    let produced = 0;
    const slow = async () => {
      produced += 1;
      await wait(600);
      return 'slow';
    };
    const started = Date.now();
    const [first, second] = await Promise.all([
      patient.getOrSet(key, 60, slow),
      (async () => {
        await wait(30);
        return impatient.getOrSet(key, 60, async () => 'fast');
      })(),
    ]);
    expect(first).toBe('slow');
    expect(second).toBe('fast');
    expect(produced).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);

    const failing = freshKey('failing');
    let calls = 0;
    const fail = async () => {
      calls += 1;
      await wait(20);
      throw new Error('render failed');
    };
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => patient.getOrSet(failing, 60, fail)));
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
    // The lock was released: the next caller produces at once.
    expect(await patient.getOrSet(failing, 60, async () => 'recovered')).toBe('recovered');
  });

  it('refuses bad input with a 400, before touching the backend', async () => {
    const refusals: Promise<unknown>[] = [
      cache.get('x'.repeat(201)),
      cache.get(''),
      cache.get('with space'),
      cache.get('line\nbreak'),
      cache.get(42 as unknown as string),
      cache.getMany(['fine', 'x'.repeat(300)]),
      cache.set('k', 1, 0),
      cache.set('k', 1, -1),
      cache.set('k', 1, Number.NaN),
      cache.set('k', 1, Number.POSITIVE_INFINITY),
      cache.set('k', 1, 400 * 24 * 3600),
      cache.set('k', undefined, 60),
      cache.set('k', () => 1, 60),
      cache.set('k', 10n, 60),
      cache.set('k', 'x'.repeat(9 * 1024 * 1024), 60),
      cache.incr('k', 1.5, 60),
      cache.getOrSet('x'.repeat(201), 60, async () => 1),
      cache.getOrSet('k', 60, async () => undefined),
    ];
    for (const refusal of refusals) {
      const error = await refusal.then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(CacheInputError);
      expect((error as CacheInputError).statusCode).toBe(400);
    }
    const text = freshKey('not-a-number');
    await cache.set(text, 'abc', 60);
    await expect(cache.incr(text, 1, 60)).rejects.toBeInstanceOf(CacheInputError);
    expect(await cache.get(text)).toBe('abc');
    expect(await cache.get('x'.repeat(200))).toBeUndefined(); // the longest key is fine
  });
});

describe('memory cache bounds', () => {
  it('evicts the least recently used entry past its entry count or bytes', async () => {
    const storage = new MemoryCache({ maxEntries: 3, maxBytes: 8012 });
    const cache = new KeenCache(storage);
    await cache.set('a', 1, 60);
    await cache.set('b', 2, 60);
    await cache.set('c', 3, 60);
    await cache.get('a'); // a is now more recent than b
    await cache.set('d', 4, 60);
    expect(await cache.get('b')).toBeUndefined();
    expect([...(await cache.getMany(['a', 'c', 'd'])).keys()]).toEqual(['a', 'c', 'd']);
    // Two bytes a character of key and JSON: 8,010 bytes, so the small entries (4 bytes each) go.
    await cache.set('big', 'x'.repeat(4000), 60);
    expect(storage.size).toEqual({ entries: 1, bytes: 8010 });
    expect(await cache.get('big')).toHaveLength(4000);
    await cache.set('huge', 'x'.repeat(6000), 60); // over the whole budget: not kept
    expect(await cache.get('huge')).toBeUndefined();
  });
});
