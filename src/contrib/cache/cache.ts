/**
 * The cache API (Django's cache framework, smaller): get, getMany, set, add, delete, incr and getOrSet,
 * with lifetimes in seconds. Values go through JSON, so what comes back is what `JSON.parse` makes of
 * what went in (a Date comes back as its ISO string); binary data is the caller's to encode (the page
 * cache stores bodies as text). One backend per process, chosen by CACHE_STORE (./open-cache.ts):
 * ./database-cache.ts, ./redis-cache.ts, ./memory-cache.ts. Every check of the caller's input is here,
 * so the backends see only valid keys, lifetimes and serialised values.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CacheInputError } from '../../errors.js';
import type { StoreBackend } from '../../settings/stores.js';

export const MAX_KEY_LENGTH = 200;
/** A year: anything longer is a mistake (a lifetime in milliseconds, say). */
export const MAX_TTL_SECONDS = 365 * 24 * 60 * 60;
export const MAX_VALUE_BYTES = 8 * 1024 * 1024;
// Keys are written into SQL parameters, Redis commands and log lines: printable, no spaces.
const KEY_SHAPE = /^[\x21-\x7e\u00a0-\uffff]+$/;

export interface Cache {
  /** Which backend this is (CACHE_STORE). */
  readonly kind: StoreBackend;
  /** The stored value, or undefined when the key is absent or expired. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** The live values among `keys` (absent and expired keys are left out), in one round trip. */
  getMany(keys: readonly string[]): Promise<Map<string, unknown>>;
  /** Stores `value` for `ttlSeconds` (fractions allowed), replacing any value. */
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /** Stores `value` only if the key is absent or expired; true when it did. */
  add(key: string, value: unknown, ttlSeconds: number): Promise<boolean>;
  /** Removes the key; true when a live value was there. */
  delete(key: string): Promise<boolean>;
  /**
   * Adds `delta` to an integer and returns the result, atomically across processes. An absent or expired
   * key starts at 0 and lives `ttlSeconds` from this call; a live one keeps its expiry (a fixed window).
   */
  incr(key: string, delta: number, ttlSeconds: number): Promise<number>;
  /**
   * The value under `key`, or `produce()`'s, stored for `ttlSeconds`. Concurrent misses in this process
   * share one `produce`; across processes a short lock lets one produce while the others poll, and a
   * process that waited too long produces itself (a slow holder delays nobody by more than the wait).
   */
  getOrSet<T>(key: string, ttlSeconds: number, produce: () => Promise<T>): Promise<T>;
}

/** What a backend does, once the input is checked: keys are valid, values are JSON text. */
export interface CacheBackend {
  readonly kind: StoreBackend;
  readMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  write(key: string, json: string, ttlSeconds: number): Promise<void>;
  writeIfAbsent(key: string, json: string, ttlSeconds: number): Promise<boolean>;
  remove(key: string): Promise<boolean>;
  /** Throws CacheInputError when the stored value is not an integer. */
  increment(key: string, delta: number, ttlSeconds: number): Promise<number>;
}

export interface StampedeOptions {
  /** How long the cross-process lock lives if its holder dies (seconds). */
  lockSeconds?: number;
  /** How long a process waits for another's `produce` before producing itself (ms). */
  lockWaitMs?: number;
  /** How often a waiting process looks for the value (ms). */
  pollMs?: number;
}

export function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0)
    throw new CacheInputError('the key must be a non-empty string');
  if (key.length > MAX_KEY_LENGTH)
    throw new CacheInputError(`the key is ${key.length} characters (at most ${MAX_KEY_LENGTH})`);
  if (!KEY_SHAPE.test(key)) throw new CacheInputError('the key holds whitespace or control characters');
  return key;
}

export function checkTtl(ttlSeconds: unknown): number {
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds < 0.001)
    throw new CacheInputError('the lifetime must be a positive number of seconds');
  if (ttlSeconds > MAX_TTL_SECONDS)
    throw new CacheInputError(`the lifetime is over ${MAX_TTL_SECONDS} seconds`);
  return ttlSeconds;
}

function serialise(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new CacheInputError(
      `the value cannot be stored as JSON (${(error as Error).message.slice(0, 80)})`,
    );
  }
  if (json === undefined)
    throw new CacheInputError('the value cannot be stored as JSON (undefined or a function)');
  // Two bytes a character is what a string costs in memory; a cheap upper bound for the other backends.
  if (json.length * 2 > MAX_VALUE_BYTES && Buffer.byteLength(json) > MAX_VALUE_BYTES)
    throw new CacheInputError(`the value is over ${MAX_VALUE_BYTES} bytes as JSON`);
  return json;
}

function parse(json: string | undefined): unknown {
  return json === undefined ? undefined : JSON.parse(json);
}

/** The API over one backend: the checks, JSON, and the stampede protection of getOrSet. */
export class KeenCache implements Cache {
  readonly kind: StoreBackend;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly lockSeconds: number;
  private readonly lockWaitMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly backend: CacheBackend,
    options: StampedeOptions = {},
  ) {
    this.kind = backend.kind;
    this.lockSeconds = options.lockSeconds ?? 10;
    this.lockWaitMs = options.lockWaitMs ?? 2000;
    this.pollMs = options.pollMs ?? 25;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const [json] = await this.backend.readMany([checkKey(key)]);
    return parse(json) as T | undefined;
  }

  async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    if (!Array.isArray(keys)) throw new CacheInputError('getMany takes a list of keys');
    const unique = [...new Set(keys.map(checkKey))];
    const found = new Map<string, unknown>();
    if (unique.length === 0) return found;
    const values = await this.backend.readMany(unique);
    unique.forEach((key, index) => {
      if (values[index] !== undefined) found.set(key, parse(values[index]));
    });
    return found;
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.backend.write(checkKey(key), serialise(value), checkTtl(ttlSeconds));
  }

  async add(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    return this.backend.writeIfAbsent(checkKey(key), serialise(value), checkTtl(ttlSeconds));
  }

  async delete(key: string): Promise<boolean> {
    return this.backend.remove(checkKey(key));
  }

  async incr(key: string, delta: number, ttlSeconds: number): Promise<number> {
    if (!Number.isSafeInteger(delta)) throw new CacheInputError('incr takes an integer delta');
    return this.backend.increment(checkKey(key), delta, checkTtl(ttlSeconds));
  }

  async getOrSet<T>(key: string, ttlSeconds: number, produce: () => Promise<T>): Promise<T> {
    checkKey(key);
    checkTtl(ttlSeconds);
    const shared = this.inFlight.get(key);
    if (shared) return shared as Promise<T>;
    const work = this.fetchOrProduce(key, ttlSeconds, produce).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  private async fetchOrProduce<T>(key: string, ttlSeconds: number, produce: () => Promise<T>): Promise<T> {
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    // The lock's key is the value's plus a suffix no caller's key can end with (no spaces allowed).
    const lock = `${key} lock`;
    if (await this.backend.writeIfAbsent(lock, '1', this.lockSeconds)) {
      try {
        return await this.produceAndStore(key, ttlSeconds, produce);
      } finally {
        await this.backend.remove(lock).catch(() => undefined);
      }
    }
    const deadline = Date.now() + this.lockWaitMs;
    while (Date.now() < deadline) {
      await sleep(this.pollMs);
      const value = await this.get<T>(key);
      if (value !== undefined) return value;
    }
    return this.produceAndStore(key, ttlSeconds, produce);
  }

  private async produceAndStore<T>(key: string, ttlSeconds: number, produce: () => Promise<T>): Promise<T> {
    const json = serialise(await produce());
    await this.backend.write(key, json, ttlSeconds);
    // Every caller gets the value as the cache gives it back, whether it produced it or read it.
    return JSON.parse(json) as T;
  }
}
