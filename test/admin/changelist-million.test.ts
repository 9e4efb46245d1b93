// The change list on 1,000,000 rows: the whole table is estimated, searches and filters are counted up to a
// cap, `exactCount` counts everything, and the first, a middle and the last page hold the right rows.
// Times are logged, not asserted (machines differ).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categories, posts } from '../../src/apps/blog/schema.js';
import { loadChangeList, type QueryInput } from '../../src/contrib/admin/changelist/load.js';
import { defineAdmin } from '../../src/contrib/admin/define.js';
import { AdminSite, type ModelAdmin } from '../../src/contrib/admin/site.js';
import { atomic } from '../../src/db/transaction.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';

const ROWS = 1_000_000;

const blogApp: KeenApp = {
  name: 'blog',
  models: [{ name: 'post' }, { name: 'category' }],
  admin: [
    defineAdmin(posts, {
      model: 'post',
      listDisplay: ['title', 'status', 'publishedAt'],
      searchFields: ['title', 'summary'],
      listFilter: ['status', 'categoryId', 'publishedAt'],
    }),
    defineAdmin(categories, { model: 'category' }),
  ],
};

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    console.log(`[changelist-million ${ENGINE}] ${label}: ${Math.round(performance.now() - started)} ms`);
  }
}

describe(`admin change list on ${ROWS.toLocaleString('en')} rows (${ENGINE})`, () => {
  let database: TestDatabase;
  let postAdmin: ModelAdmin;
  const load = (query: QueryInput, exactCount = false) =>
    loadChangeList(database.db, postAdmin, query, { timeZone: 'UTC', exactCount });

  beforeAll(async () => {
    database = await createTestDatabase();
    postAdmin = new AdminSite([blogApp], '/admin/').find('blog', 'post')!;
    await timed('seed (one INSERT … SELECT)', () =>
      atomic(database.db, async (tx) => {
        // The test database stops statements after 30 s; seeding may take longer on the embedded engine.
        await tx.execute(sql`SET LOCAL statement_timeout = 0`);
        await tx.execute(sql`
          INSERT INTO blog_post (title, slug, summary, status, published_at, reading_minutes)
          SELECT 'Post ' || g, 'post-' || lpad(g::text, 7, '0'), CASE WHEN g % 1000 = 0 THEN 'needle' ELSE '' END,
                 (CASE WHEN g % 2 = 0 THEN 'published' ELSE 'draft' END)::blog_post_status,
                 timestamptz '2020-01-01 00:00:00+00' + g * interval '1 minute', 1 + g % 30
          FROM generate_series(1, ${ROWS}) AS g`);
      }),
    );
    await timed('ANALYZE', () => database.db.execute(sql`ANALYZE blog_post`));
  }, 900_000);
  afterAll(() => database?.close());

  it('estimates the whole table (within 10%) instead of counting it', { timeout: 120_000 }, async () => {
    const list = await timed('unfiltered page 1', () => load({}));
    expect(list.total.exact).toBe(false);
    expect(list.total.value).toBeGreaterThan(ROWS * 0.9);
    expect(list.total.value).toBeLessThan(ROWS * 1.1);
    expect(list.unfilteredTotal).toEqual(list.total);
    expect(list.pageCount).toBeNull();
    expect(list.exactCountQuery).toBe('?_count=exact');
  });

  it('caps the count of a search or a filter at 10,000', { timeout: 120_000 }, async () => {
    const searched = await timed('search "post" page 1', () => load({ q: 'post' }));
    expect(searched.total).toEqual({ value: 10_000, exact: false });
    expect(searched.unfilteredTotal.exact).toBe(false);
    expect(searched.rows).toHaveLength(100);
    expect(searched.hasNext).toBe(true);
    const filtered = await timed('filter status=published page 1', () => load({ status: 'published' }));
    expect(filtered.total).toEqual({ value: 10_000, exact: false });
    expect(filtered.rows.every((row) => row.status === 'published')).toBe(true);
    // Under the cap the count is exact: 1 row in 1000 has "needle" in its summary.
    const needles = await timed('search "needle" page 1', () => load({ q: 'needle' }));
    expect(needles.total).toEqual({ value: 1000, exact: true });
    expect(needles.pageCount).toBe(10);
  });

  it('counts every row when asked', { timeout: 120_000 }, async () => {
    const list = await timed('exact count page 1', () => load({}, true));
    expect(list.total).toEqual({ value: ROWS, exact: true });
    expect(list.pageCount).toBe(ROWS / 100);
  });

  it('loads the first, a middle and the last page (newest first)', { timeout: 300_000 }, async () => {
    const ids = (rows: Record<string, unknown>[]) => rows.map((row) => row.id as number);
    const expectedIds = (page: number) => Array.from({ length: 100 }, (_, i) => ROWS - (page - 1) * 100 - i);

    const first = await timed('page 1', () => load({}));
    expect(ids(first.rows)).toEqual(expectedIds(1));
    expect(first.rows[0]).toMatchObject({
      title: `Post ${ROWS}`,
      slug: `post-${String(ROWS).padStart(7, '0')}`,
    });
    expect(first.hasNext).toBe(true);

    const middle = await timed('page 5,000', () => load({ p: '5000' }));
    expect(ids(middle.rows)).toEqual(expectedIds(5000));
    expect(middle).toMatchObject({ page: 5000, hasNext: true, hasPrevious: true });

    const last = await timed('page 10,000 (last)', () => load({ p: String(ROWS / 100) }));
    expect(ids(last.rows)).toEqual(expectedIds(ROWS / 100));
    expect(last.hasNext).toBe(false);
    // Reaching the end makes the total known.
    expect(last.total).toEqual({ value: ROWS, exact: true });
    expect(last.pageCount).toBe(ROWS / 100);

    const lastExact = await timed('page past the end, exact count', () => load({ p: '20000' }, true));
    expect(lastExact).toMatchObject({ page: ROWS / 100, pageOutOfRange: true });
    expect(ids(lastExact.rows)).toEqual(expectedIds(ROWS / 100));
  });
});
