/** The cache CACHE_STORE names, over the backend it needs (opened once per process by src/stores/). */
import type { Database } from '../../db/client.js';
import type { StoreBackend } from '../../settings/stores.js';
import type { RedisConnection } from '../../stores/redis.js';
import { type Cache, KeenCache, type StampedeOptions } from './cache.js';
import { DatabaseCache } from './database-cache.js';
import { MemoryCache, type MemoryCacheLimits } from './memory-cache.js';
import { RedisCache } from './redis-cache.js';

export interface OpenCacheOptions {
  backend: StoreBackend;
  database: Database;
  redis: RedisConnection | null;
  memoryLimits?: MemoryCacheLimits;
  stampede?: StampedeOptions;
}

export function openCache({ backend, database, redis, memoryLimits, stampede }: OpenCacheOptions): Cache {
  switch (backend) {
    case 'database':
      return new KeenCache(new DatabaseCache(database), stampede);
    case 'memory':
      return new KeenCache(new MemoryCache(memoryLimits), stampede);
    case 'redis':
      // The settings refuse CACHE_STORE=redis without REDIS_URL; this is the same rule, typed.
      if (!redis) throw new Error('the redis cache needs a Redis connection');
      return new KeenCache(new RedisCache(redis), stampede);
  }
}
