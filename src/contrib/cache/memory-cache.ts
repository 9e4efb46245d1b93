/**
 * The cache in this process's memory (CACHE_STORE=memory): for tests, `keen dev` and a single worker,
 * since other processes neither see its values nor its deletes. Bounded by an entry count and an
 * estimate of the bytes its strings take (two a character); past either, the least recently used
 * entries go first. A Map keeps insertion order, so moving an entry to the end on each use makes the
 * first entry the least recently used.
 */
import { CacheInputError } from '../../errors.js';
import type { CacheBackend } from './cache.js';

export interface MemoryCacheLimits {
  maxEntries?: number;
  maxBytes?: number;
}

interface Entry {
  json: string;
  expiresAt: number;
  bytes: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export class MemoryCache implements CacheBackend {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(limits: MemoryCacheLimits = {}) {
    this.maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** How many entries and estimated bytes are held (tests, metrics). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private live(key: string, now = Date.now()): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.drop(key, entry);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry); // now the most recently used
    this.bytes += entry.bytes;
    return entry;
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  private put(key: string, json: string, ttlSeconds: number): void {
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    const entry = { json, expiresAt: Date.now() + ttlSeconds * 1000, bytes: 2 * (key.length + json.length) };
    // One value over the whole budget would evict everything and still not fit.
    if (entry.bytes > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [oldestKey, oldest] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.drop(oldestKey, oldest);
    }
  }

  async readMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    const now = Date.now();
    return keys.map((key) => this.live(key, now)?.json);
  }

  async write(key: string, json: string, ttlSeconds: number): Promise<void> {
    this.put(key, json, ttlSeconds);
  }

  async writeIfAbsent(key: string, json: string, ttlSeconds: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.put(key, json, ttlSeconds);
    return true;
  }

  async remove(key: string): Promise<boolean> {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.drop(key, entry);
    return entry.expiresAt > Date.now();
  }

  async increment(key: string, delta: number, ttlSeconds: number): Promise<number> {
    // Synchronous from read to write: nothing else in the process runs in between.
    const entry = this.live(key);
    if (!entry) {
      this.put(key, String(delta), ttlSeconds);
      return delta;
    }
    const current = JSON.parse(entry.json) as unknown;
    if (!Number.isSafeInteger(current))
      throw new CacheInputError(`incr of "${key.slice(0, 50)}", which is not an integer`);
    const value = (current as number) + delta;
    entry.json = String(value);
    const bytes = 2 * (key.length + entry.json.length);
    this.bytes += bytes - entry.bytes;
    entry.bytes = bytes;
    return value;
  }
}
