/**
 * The backends a store conformance suite runs against: the test database (PGlite, or PostgreSQL with
 * KEEN_TEST_DATABASE_URL) and Redis under a key prefix of the suite's own.
 */
import pino from 'pino';
import { Secret } from '../../src/settings/secret.js';
import { RedisConnection } from '../../src/stores/redis.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { dropRedisKeys, TEST_REDIS_URL, testRedisPrefix } from '../support/redis.js';

export interface BackendFixture {
  database: TestDatabase;
  /** Null for the database backend. */
  redis: RedisConnection | null;
  close(): Promise<void>;
}

export const BACKENDS = ['database', 'redis'] as const;
export type Backend = (typeof BACKENDS)[number];

export async function openBackend(backend: Backend): Promise<BackendFixture> {
  const database = await createTestDatabase();
  if (backend === 'database') return { database, redis: null, close: () => database.close() };
  const prefix = testRedisPrefix();
  const redis = await RedisConnection.open({
    url: new Secret(TEST_REDIS_URL),
    keyPrefix: prefix,
    logger: pino({ level: 'silent' }),
  });
  return {
    database,
    redis,
    async close() {
      await redis.close();
      await dropRedisKeys(prefix);
      await database.close();
    },
  };
}
