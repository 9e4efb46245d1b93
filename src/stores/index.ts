/**
 * The stores: where sessions, login-throttle counters and the cache live, chosen by settings
 * (SESSION_STORE, THROTTLE_STORE, CACHE_STORE; see src/settings/stores.ts). One set per process,
 * opened with the web app (src/web/app.ts) or by a command, closed with it.
 */
import type { Logger } from 'pino';
import { openThrottleStore, type ThrottleStore } from '../contrib/auth/throttle.js';
import type { Cache } from '../contrib/cache/cache.js';
import { openCache } from '../contrib/cache/open-cache.js';
import { openSessionStore, type SessionStore } from '../contrib/sessions/store.js';
import type { Database } from '../db/client.js';
import type { Settings } from '../settings.js';
import { RedisConnection } from './redis.js';

export interface Stores {
  /** The Redis connection when any store uses Redis; null otherwise. */
  redis: RedisConnection | null;
  sessions: SessionStore;
  throttle: ThrottleStore;
  /** The cache (CACHE_STORE): src/contrib/cache/. */
  cache: Cache;
  close(): Promise<void>;
}

export interface OpenStoresOptions {
  settings: Readonly<Settings>;
  database: Database;
  logger: Logger;
}

/** Opens the stores the settings name (and the Redis connection they share, if any). */
export async function openStores({ settings, database, logger }: OpenStoresOptions): Promise<Stores> {
  const { stores } = settings;
  const usesRedis = [stores.sessionStore, stores.throttleStore, stores.cacheStore].includes('redis');
  const redis =
    usesRedis && stores.redisUrl
      ? await RedisConnection.open({ url: stores.redisUrl, keyPrefix: stores.redisKeyPrefix, logger })
      : null;
  return {
    redis,
    sessions: openSessionStore(stores, database.db, redis),
    throttle: openThrottleStore(stores, database.db, redis),
    cache: openCache({ backend: stores.cacheStore, database, redis }),
    async close() {
      await redis?.close();
    },
  };
}
