/**
 * The benchmark's throwaway database: created on the server DATABASE_URL names (the runner migrates it
 * with the real `keen migrate`), seeded, reset between servers, and dropped at the end. The database DATABASE_URL
 * itself names is only used to run CREATE/DROP DATABASE; no data in it is touched.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { renderResumePdf } from '../src/apps/resume/pdf/render.js';
import { loadActiveResume } from '../src/apps/resume/queries.js';
import { insertUser } from '../src/contrib/auth/users.js';
import { openDatabase } from '../src/db/client.js';
import { Secret } from '../src/settings.js';
import { BENCH_ITEM_DDL, BLOG_POST_SLUG, SEED_ROWS } from './bench-constants.js';

export interface BenchDatabase {
  name: string;
  url: string;
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  // Lower-case hex only, so the name needs no quoting anywhere.
  const name = `keen_bench_${randomBytes(5).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

export async function dropBenchDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^keen_bench_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  // FORCE: a server killed mid-run may leave connections behind.
  await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** The bench table and its 10,000 rows, outside Keen's migrations. */
export async function seed(url: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query(BENCH_ITEM_DDL);
    await client.query(
      `INSERT INTO bench_item (title, created_at)
       SELECT 'Item number ' || n, now() - n * interval '1 minute' FROM generate_series(1, $1::int) AS n`,
      [SEED_ROWS],
    );
    await client.query('ANALYZE bench_item');
  });
}

/**
 * A published post of about 8 KB of HTML (twelve paragraphs), as `cached_post` reads it. Written in
 * SQL: its body is HTML already, so no rendering on save is needed.
 */
export async function seedBlogPost(url: string): Promise<void> {
  const paragraph =
    'Заметка о том, как устроен сайт: страницы собираются из базы, а повторные запросы анонимных ' +
    'посетителей обслуживаются из кэша страниц, с токеном CSRF, который подставляется для каждого запроса. ';
  const html = Array.from({ length: 12 }, (_, index) => `<p>${index + 1}. ${paragraph.repeat(2)}</p>`).join(
    '',
  );
  await withClient(url, (client) =>
    client.query(
      `INSERT INTO blog_post (title, slug, summary, body, body_format, body_html, status, published_at)
       VALUES ('Кэш страниц', $1, 'Как сайт отвечает анонимным посетителям.', $2, 'html', $2, 'published',
               now() - interval '1 day')`,
      [BLOG_POST_SLUG, html],
    ),
  );
}

/** An active résumé profile with a few entries, so `/resume/export/pdf/` has something to serve. */
export async function seedResume(url: string): Promise<void> {
  await withClient(url, async (client) => {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO resume_profile (full_name, title, email, location, summary, is_active)
       VALUES ('Анна Петрова', 'Ведущий разработчик', 'anna@example.com', 'Москва',
               'Делаю быстрые и надёжные сайты: от схемы базы данных до последнего пикселя.', true)
       RETURNING id`,
    );
    const profileId = rows[0]?.id;
    await client.query(
      `INSERT INTO resume_experience (profile_id, position, company, start_date, end_date, description, "order")
       SELECT $1, 'Разработчик ' || n, 'Компания ' || n, make_date(2024 - 2 * n, 1, 1), make_date(2025 - 2 * n, 12, 31),
              E'Разработка на TypeScript и PostgreSQL.\n\n- Поиск по-русски\n- Перезапуск без потери запросов', n
       FROM generate_series(1, 6) AS n`,
      [profileId],
    );
    await client.query(
      `INSERT INTO resume_skill (profile_id, name, category, level, "order")
       SELECT $1, 'Навык ' || n, CASE WHEN n % 2 = 0 THEN 'Языки' ELSE 'Данные' END, n, n FROM generate_series(1, 10) AS n`,
      [profileId],
    );
  });
}

/** A one-connection pool on the bench database, for the runner's setup steps. */
function openBenchDatabase(url: string) {
  return openDatabase(
    {
      kind: 'postgres',
      url: new Secret(url),
      ssl: false,
      poolSize: 1,
      statementTimeoutMs: 0,
      preparedStatements: true,
      direct: null,
    },
    { command: 'bench' },
  );
}

/** The baseline's copy of the résumé PDF: the same document, written once by the runner. */
export async function writeBaselinePdf(url: string, path: string): Promise<void> {
  const database = await openBenchDatabase(url);
  try {
    const resume = await loadActiveResume(database.db);
    if (!resume) throw new Error('the bench database has no active résumé profile');
    const bytes = await renderResumePdf(resume, { language: 'ru', timeZone: 'UTC', photo: null });
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  } finally {
    await database.close();
  }
}

/** The account the load logs in as, created with Keen's own insertUser (argon2id hash). */
export async function createUser(url: string, username: string, password: string): Promise<void> {
  const database = await openBenchDatabase(url);
  try {
    // A superuser, so Keen's first-run setup link stays quiet; no benchmarked page checks permissions.
    await insertUser(database.db, { username, password, isStaff: true, isSuperuser: true });
  } finally {
    await database.close();
  }
}

/**
 * Puts both servers in front of the same data: the seeded rows only, no sessions (the login page
 * creates one per request), fresh statistics.
 */
export async function resetData(url: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query('DELETE FROM bench_item WHERE id > $1', [SEED_ROWS]);
    await client.query('DELETE FROM keen_session');
    await client.query('VACUUM ANALYZE bench_item');
    await client.query('VACUUM ANALYZE keen_session');
  });
}

export async function postgresVersion(url: string): Promise<string> {
  return withClient(url, async (client) => {
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return result.rows[0]?.server_version ?? 'unknown';
  });
}

/**
 * Transactions committed or rolled back in the database so far, counting every statement the servers
 * have sent. Each statement either server sends runs in its own transaction, so the difference over a
 * run, per request, is the number of database round trips a request costs: the check that both
 * servers do the same database work.
 *
 * PostgreSQL publishes a busy backend's counts only now and then (up to 10 s late when it goes idle),
 * but always when the backend exits; so the servers' connections are closed first. Their pools open
 * new ones on the next request, which is why the runner calls this before the warm-up, not before the
 * measured run. The few statements issued here are noise next to thousands of requests.
 */
export async function settledTransactionCount(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const others = 'datname = current_database() AND pid <> pg_backend_pid()';
    await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE ${others}`);
    for (let waited = 0; waited < 5000; waited += 50) {
      const left = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE ${others}`,
      );
      if (Number(left.rows[0]?.n) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const result = await client.query<{ count: string }>(
      'SELECT xact_commit + xact_rollback AS count FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(result.rows[0]?.count ?? Number.NaN);
  });
}
