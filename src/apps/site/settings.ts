/**
 * The site settings row, kept in memory: pages read it on every request, so it is loaded once and then
 * again only when it is older than `maxAgeMs` (a save in the admin refreshes it at once in the process
 * that saved; other workers see it within `maxAgeMs`). A database without the row (a migration not
 * yet run) gives the defaults instead of failing every page.
 */
import type { Db } from '../../db/client.js';
import { type SiteSettingsRow, siteSettings } from './schema.js';

export const DEFAULT_SITE_SETTINGS: SiteSettingsRow = Object.freeze({
  id: 1,
  siteName: 'Keen',
  tagline: '',
  about: '',
  robotsTxt: '',
  updatedAt: new Date(0),
});

const RETRY_MS = 5_000;

export class SiteSettingsCache {
  private row: SiteSettingsRow = DEFAULT_SITE_SETTINGS;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly maxAgeMs = 30_000,
  ) {}

  /** The row as last loaded (the defaults before the first load). */
  get current(): SiteSettingsRow {
    return this.row;
  }

  /** True while the loaded copy is younger than its maximum age. */
  isFresh(now = Date.now()): boolean {
    return now - this.loadedAt < this.maxAgeMs;
  }

  /** Loads the row when it is stale; concurrent callers share one query. */
  async fresh(now = Date.now()): Promise<SiteSettingsRow> {
    if (this.isFresh(now)) return this.row;
    this.loading ??= this.reload().finally(() => {
      this.loading = null;
    });
    await this.loading;
    return this.row;
  }

  /** Forgets the loaded row, so the next request reads it again (after a save). */
  invalidate(): void {
    this.loadedAt = Number.NEGATIVE_INFINITY;
  }

  private async reload(): Promise<void> {
    try {
      const [row] = await this.db.select().from(siteSettings).limit(1);
      this.row = row ?? DEFAULT_SITE_SETTINGS;
      this.loadedAt = Date.now();
    } catch {
      // No table yet (migrations pending) or the database is down: pages keep the last known name (the
      // page's own query reports the outage); try again in a few seconds, not on every request.
      this.loadedAt = Date.now() - this.maxAgeMs + RETRY_MS;
    }
  }
}
