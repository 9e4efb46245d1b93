/**
 * The page cache's storage: whole responses to anonymous GETs, in `stores.cache`, plus a small copy in
 * this process's memory so a hit costs no round trip. When pages are served, and which are stored, is
 * the page-cache stage's business (src/web/middleware/page-cache.ts).
 *
 * Freshness is a generation: a random token in the cache, stored in every page. `invalidate()` (an
 * admin save) sets a new one, and a page of another generation is never served. The token is looked
 * up at most once a GENERATION_CHECK_MS per process, so a save made in another process shows within
 * that time; the process that saved sees it at once. A random token, not a counter, because a counter
 * that expired or was evicted would start again and bring old pages back to life.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { RedisUnavailableError } from '../../errors.js';
import type { Cache } from './cache.js';
import { type EncodedPage, encodeSegments, splitAtHoles } from './page-holes.js';

export const GENERATION_KEY = 'pages:generation';
export const GENERATION_CHECK_MS = 1000;
const GENERATION_TTL = 30 * 24 * 60 * 60;
const LOCAL_ENTRIES = 500;
const WARN_EVERY_MS = 60_000;

export interface StoredPage {
  generation: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  status: number;
  headers: Record<string, string | string[]>;
  /** The request headers named in the response's Vary, with the values the page was made for. */
  vary: Record<string, string>;
  /** The language the page is in when it followed the visitor's (not part of the key). */
  language: string | null;
  /** Text as it was sent; base64 when `binary`. */
  body: string;
  binary: boolean;
  /** The body holds placeholders (./page-holes.ts). */
  holes: boolean;
}

/** A stored page, ready to send: its body as bytes, split at its holes. */
export interface ReadyPage {
  page: StoredPage;
  parts: EncodedPage;
}

/** What the key is made of: the response may differ on any of these. */
export interface PageKeyParts {
  scheme: string;
  host: string;
  /** Path and query as requested. */
  url: string;
  /** The visitor's language on localized routes; null elsewhere. */
  language: string | null;
}

/** The page's identity: the key of this process's copies (hashed for the shared cache's key). */
export function pageKey(parts: PageKeyParts): string {
  return [parts.scheme, parts.host, parts.url, parts.language ?? ''].join('\n');
}

/** The shared cache's key: fixed length, whatever the URL. */
function storageKey(identity: string): string {
  return `page:${createHash('sha256').update(identity).digest('base64url')}`;
}

function isStoredPage(value: unknown): value is StoredPage {
  const page = value as StoredPage | null;
  return (
    typeof page === 'object' &&
    page !== null &&
    typeof page.generation === 'string' &&
    typeof page.expiresAt === 'number' &&
    typeof page.status === 'number' &&
    typeof page.body === 'string' &&
    typeof page.headers === 'object' &&
    typeof page.vary === 'object'
  );
}

export class PageCache {
  private readonly local = new Map<string, ReadyPage>();
  private readonly keepLocal: boolean;
  private generation: { value: string; checkedAt: number } | null = null;
  private refreshing: Promise<string> | null = null;
  private lastWarning = 0;

  constructor(
    readonly cache: Cache,
    readonly marker: string,
    private readonly logger: Logger,
  ) {
    // A memory cache is this process's memory already.
    this.keepLocal = cache.kind !== 'memory';
  }

  /**
   * The page under `key` if it is of the current generation and not expired (null otherwise), and that
   * generation: a page rendered now is stored under it, so a save during the render makes it stale.
   */
  async lookup(key: string): Promise<{ ready: ReadyPage | null; generation: string }> {
    const generation = await this.currentGeneration();
    const now = Date.now();
    const local = this.local.get(key);
    if (local && local.page.generation === generation && local.page.expiresAt > now) {
      this.local.delete(key);
      this.local.set(key, local); // most recently used last
      return { ready: local, generation };
    }
    const stored = await this.cache.get(storageKey(key));
    if (!isStoredPage(stored) || stored.generation !== generation || stored.expiresAt <= now)
      return { ready: null, generation };
    const ready = this.prepare(stored);
    if (ready) this.keepCopy(key, ready);
    return { ready, generation };
  }

  /** The generation new pages are stored under. */
  currentGeneration(): Promise<string> {
    const known = this.generation;
    if (known && Date.now() - known.checkedAt < GENERATION_CHECK_MS) return Promise.resolve(known.value);
    this.refreshing ??= this.readGeneration().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Stores a page; failures are logged, never thrown (the visitor already has the page). */
  store(key: string, page: StoredPage, seconds: number): void {
    const ready = this.prepare(page);
    if (!ready) return;
    this.keepCopy(key, ready);
    this.cache
      .set(storageKey(key), page, seconds)
      .catch((error: unknown) => this.warn(error, 'page cache: not stored'));
  }

  /** Makes every stored page stale, in every process (this one at once, others within a second). */
  async invalidate(): Promise<void> {
    const value = randomBytes(12).toString('base64url');
    this.generation = { value, checkedAt: Date.now() };
    this.local.clear();
    await this.cache.set(GENERATION_KEY, value, GENERATION_TTL);
  }

  /** Logs a cache failure at most once a minute (an outage would otherwise log every request). */
  warn(error: unknown, message: string): void {
    // The Redis connection logs its own outages, once each.
    if (error instanceof RedisUnavailableError) return;
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn({ err: error }, `${message}; pages are rendered uncached`);
  }

  private async readGeneration(): Promise<string> {
    let value = await this.cache.get(GENERATION_KEY);
    if (typeof value !== 'string') {
      // None yet (or it expired): start one; a process that started one at the same time wins.
      const fresh = randomBytes(12).toString('base64url');
      value = (await this.cache.add(GENERATION_KEY, fresh, GENERATION_TTL))
        ? fresh
        : ((await this.cache.get(GENERATION_KEY)) ?? fresh);
    }
    if (this.generation?.value !== value) this.local.clear();
    this.generation = { value: value as string, checkedAt: Date.now() };
    return value as string;
  }

  private prepare(page: StoredPage): ReadyPage | null {
    if (page.binary) return { page, parts: [Buffer.from(page.body, 'base64')] };
    const segments = page.holes ? splitAtHoles(page.body, this.marker) : [page.body];
    return segments ? { page, parts: encodeSegments(segments) } : null;
  }

  private keepCopy(key: string, ready: ReadyPage): void {
    if (!this.keepLocal) return;
    this.local.delete(key);
    this.local.set(key, ready);
    if (this.local.size > LOCAL_ENTRIES) {
      const oldest = this.local.keys().next().value;
      if (oldest !== undefined) this.local.delete(oldest);
    }
  }
}
