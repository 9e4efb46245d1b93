/**
 * Facts shared by the runner, the bench app and the baseline server. No imports: the baseline bundles
 * this file, and it must not pull any of Keen (or Drizzle) into the process it measures.
 */

/** Kept beside the Drizzle table in bench-schema.ts; the runner applies it outside Keen's migrations. */
export const BENCH_ITEM_DDL =
  'CREATE TABLE IF NOT EXISTS bench_item (id serial primary key, title text not null, created_at timestamptz not null default now())';

/** Rows seeded before the runs, and rows the list page shows. */
export const SEED_ROWS = 10_000;
export const PAGE_SIZE = 20;

export const BENCH_ITEMS_URL = '/bench/items/';
export const LOGIN_PATH = '/accounts/login/';
/** Served by both servers from the same STATIC_ROOT (the runner writes it). */
/** The benchmark's 20 KB stylesheet, collected and served under its hashed name. */
export const STATIC_CSS_NAME = 'css/bench.css';

/**
 * Printed by both servers' primaries once per worker that listens. Load must not start before every
 * worker listens, or the cluster hands all of the generator's keep-alive connections to the first one.
 */
export const READY_LINE = 'bench: worker ready pid=';

/** The stored résumé PDF: Keen serves its content-hashed file, the baseline a copy the runner made. */
export const RESUME_PDF_PATH = '/resume/export/pdf/';
/** The baseline's copy, in MEDIA_ROOT. */
export const BASELINE_PDF_NAME = 'bench-resume.pdf';

/** The seeded blog post: Keen serves it from its page cache, the baseline from a copy in memory. */
export const BLOG_POST_PATH = '/blog/bench-post/';
export const BLOG_POST_SLUG = 'bench-post';
/** How long the baseline keeps its rendered copy (Keen's blog pages: 300 s). */
export const BLOG_POST_CACHE_MS = 300_000;
