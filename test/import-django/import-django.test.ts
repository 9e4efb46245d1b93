// Issue 16, first part: `keen import-django` moves a Django site's accounts and blog into Keen from a
// Django database made by ./django-fixture.ts on the PostgreSQL server, into Keen's database on either
// engine: a rehearsal writes nothing, the import keeps every row and password, a second run changes
// nothing, and a database holding other data is refused unless --merge.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDjangoCommand } from '../../src/cli/commands/import-django.js';
import { verifyPassword } from '../../src/contrib/auth/passwords/hashers.js';
import { queryRows } from '../../src/db/client.js';
import { CommandError } from '../../src/errors.js';
import { type ImportReport, importDjango } from '../../src/import-django/run.js';
import { type DjangoSource, openDjangoSource } from '../../src/import-django/source.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import {
  createDjangoFixture,
  type DjangoFixture,
  djangoServerAvailable,
  LONG_EXCERPT,
  OWNER_PASSWORD,
} from './django-fixture.js';

const SERVER = await djangoServerAvailable();
if (!SERVER && process.env.CI !== 'true')
  console.warn('import-django tests not run: no PostgreSQL at 127.0.0.1:5432');

const countOf = (report: ImportReport, table: string) => report.counts.find((row) => row.table === table);

describe.runIf(SERVER || process.env.CI === 'true')(`keen import-django (into ${ENGINE})`, () => {
  let fixture: DjangoFixture;
  let database: TestDatabase;
  let source: DjangoSource;
  const rows = <T>(text: string) => queryRows<T>(database.db, sql.raw(text));
  const run = async (options: { dryRun?: boolean; merge?: boolean } = {}) => {
    // Each run reads its own snapshot, as each command does.
    await source?.close();
    source = await openDjangoSource(fixture.url);
    return importDjango(database.db, source, { dryRun: false, merge: false, ...options });
  };

  beforeAll(async () => {
    fixture = await createDjangoFixture();
    database = await createTestDatabase();
  }, 60_000);

  afterAll(async () => {
    await source?.close();
    await database?.close();
    await fixture?.drop();
  });

  it('a rehearsal reports every table and writes nothing', async () => {
    const report = await run({ dryRun: true });
    expect(report.written).toBe(false);
    expect(countOf(report, 'auth_user')).toMatchObject({ read: 3, insert: 3 });
    expect(countOf(report, 'blog_post')).toMatchObject({ read: 3, insert: 3 });
    expect(countOf(report, 'blog_comment')).toMatchObject({ read: 3, insert: 3 });
    expect(countOf(report, 'auth_group_permissions')).toMatchObject({ read: 4, insert: 3, skipped: 1 });
    expect(report.skipped).toEqual([
      'auth_group_permissions: sessions.view_session has no counterpart in Keen',
    ]);
    expect(report.sanitized).toEqual(['pokhod-na-elbrus']);
    expect(report.notes.join('\n')).toMatch(/blog_comment: 2 IP address\(es\) not kept/);
    for (const table of [
      'auth_user',
      'auth_group',
      'blog_category',
      'blog_tag',
      'blog_post',
      'blog_comment',
    ]) {
      expect(await rows<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`), table).toEqual([{ n: 0 }]);
    }
  });

  it('imports users with their Django password hashes, flags and dates, groups and permissions', async () => {
    const report = await run();
    expect(report.written).toBe(true);
    const [owner] = await rows<Record<string, unknown>>(
      `SELECT *, (last_login AT TIME ZONE 'UTC')::text AS login_utc, (date_joined AT TIME ZONE 'UTC')::text AS joined_utc
         FROM auth_user WHERE username = 'owner'`,
    );
    expect(owner).toMatchObject({
      email: 'owner@coreofkeen.com',
      first_name: 'Иван',
      last_name: 'Петров',
      is_staff: true,
      is_superuser: true,
      is_active: true,
    });
    expect(owner).toMatchObject({ login_utc: '2025-11-30 15:04:05.123', joined_utc: '2024-01-15 07:00:00' });
    // The Django hash works as it is, and asks to be rehashed with Keen's algorithm at this login.
    expect(await verifyPassword(OWNER_PASSWORD, owner?.password as string)).toEqual({
      ok: true,
      needsRehash: true,
    });
    expect(await verifyPassword('wrong', owner?.password as string)).toMatchObject({ ok: false });
    expect(await rows("SELECT username, is_active FROM auth_user WHERE username = 'former'")).toEqual([
      { username: 'former', is_active: false },
    ]);
    const editorPermissions = await rows<{ name: string }>(
      `SELECT p.app_label || '.' || p.codename AS name FROM auth_permission p
         JOIN auth_group_permissions gp ON gp.permission_id = p.id
         JOIN auth_user_groups ug ON ug.group_id = gp.group_id
         JOIN auth_user u ON u.id = ug.user_id WHERE u.username = 'Editor'
       UNION SELECT p.app_label || '.' || p.codename FROM auth_permission p
         JOIN auth_user_user_permissions up ON up.permission_id = p.id
         JOIN auth_user u ON u.id = up.user_id WHERE u.username = 'Editor'
       ORDER BY name`,
    );
    expect(editorPermissions.map((row) => row.name)).toEqual([
      'blog.add_post',
      'blog.change_comment',
      'blog.change_post',
      'blog.view_post',
    ]);
  });

  it('imports posts with their slugs exactly, sanitized HTML, authors, categories, tags and dates', async () => {
    const [trip] = await rows<Record<string, unknown>>(
      `SELECT p.*, c.slug AS category, u.username AS author, (p.published_at AT TIME ZONE 'UTC')::text AS published_utc,
              (p.updated_at AT TIME ZONE 'UTC')::text AS updated_utc FROM blog_post p
         LEFT JOIN blog_category c ON c.id = p.category_id LEFT JOIN auth_user u ON u.id = p.author_id
        WHERE p.slug = 'pokhod-na-elbrus'`,
    );
    expect(trip).toMatchObject({
      title: 'Поход на Эльбрус',
      status: 'published',
      body_format: 'html',
      category: 'travel',
      author: 'owner',
      meta_description: 'Как мы поднимались на Эльбрус',
      extra: { metaKeywords: 'эльбрус, горы', djangoFeaturedImage: 'blog/featured/2025/06/elbrus.jpg' },
    });
    expect(trip?.body).toContain('<script>');
    expect(trip?.body_html).not.toContain('<script');
    expect(trip?.body_html).toContain('<strong>рано утром</strong>');
    expect(trip?.body_html).toContain('src="/media/uploads/2025/06/elbrus.jpg"');
    expect(trip).toMatchObject({ published_utc: '2025-06-11 05:00:00', updated_utc: '2025-06-12 18:15:00' });
    // Keen's summary holds 300 characters: the 500-character excerpt is cut at a word.
    const summary = String(trip?.summary);
    expect(summary.length).toBeGreaterThan(200);
    expect(summary.length).toBeLessThanOrEqual(300);
    expect(LONG_EXCERPT.startsWith(summary.replace(/…$/, ''))).toBe(true);
    const tagged = await rows<{ slug: string; tags: string }>(
      `SELECT p.slug, string_agg(t.name, ',' ORDER BY t.name) AS tags FROM blog_post p
         JOIN blog_post_tags pt ON pt.post_id = p.id JOIN blog_tag t ON t.id = pt.tag_id GROUP BY p.slug ORDER BY p.slug`,
    );
    expect(tagged).toEqual([
      { slug: 'django-notes', tags: 'python' },
      { slug: 'pokhod-na-elbrus', tags: 'горы,заметки' },
    ]);
    expect(await rows("SELECT status, published_at FROM blog_post WHERE slug = 'chernovik'")).toEqual([
      { status: 'draft', published_at: null },
    ]);
  });

  it('imports comments with their moderation state, emails kept private, addresses dropped', async () => {
    const comments = await rows<Record<string, unknown>>(
      `SELECT c.name, c.email, c.url, c.is_approved, c.client_key, u.username FROM blog_comment c
         LEFT JOIN auth_user u ON u.id = c.user_id ORDER BY c.created_at`,
    );
    expect(comments).toEqual([
      {
        name: 'Алексей',
        email: 'alexey@example.com',
        url: 'https://alexey.example.com/',
        is_approved: true,
        client_key: '',
        username: null,
      },
      {
        name: 'Спамер',
        email: 'spam@example.com',
        url: null,
        is_approved: false,
        client_key: '',
        username: null,
      },
      {
        name: 'Мария',
        email: 'editor@example.com',
        url: null,
        is_approved: true,
        client_key: '',
        username: 'Editor',
      },
    ]);
  });

  it('a second run finds nothing to change', async () => {
    const report = await run();
    expect(report.changes).toBe(0);
    expect(report.written).toBe(false);
    expect(report.counts.every((row) => row.insert === 0 && row.update === 0)).toBe(true);
  });

  it('a database holding other rows is refused unless --merge, which adds beside them', async () => {
    await database.db.execute(
      sql`INSERT INTO auth_user (username, password) VALUES ('local-admin', '!'), ('extra', '!')`,
    );
    await fixture.query("UPDATE blog_post SET title = 'Поход на Эльбрус (2025)' WHERE id = 1");
    await expect(run()).rejects.toThrow(CommandError);
    await expect(run()).rejects.toThrow(/auth_user: 2 row\(s\) not in the Django database/);
    expect(await rows("SELECT title FROM blog_post WHERE slug = 'pokhod-na-elbrus'")).toEqual([
      { title: 'Поход на Эльбрус' },
    ]);
    const merged = await run({ merge: true });
    expect(countOf(merged, 'blog_post')).toMatchObject({ update: 1, unchanged: 2 });
    expect(countOf(merged, 'auth_user')).toMatchObject({ extra: 2, unchanged: 3 });
    expect(await rows("SELECT title FROM blog_post WHERE slug = 'pokhod-na-elbrus'")).toEqual([
      { title: 'Поход на Эльбрус (2025)' },
    ]);
    expect(
      await rows<{ n: number }>("SELECT count(*)::int AS n FROM auth_user WHERE username = 'local-admin'"),
    ).toEqual([{ n: 1 }]);
  });

  it('the command refuses what is not a Django database, without printing the password', async () => {
    const url = new URL(fixture.url);
    url.password = 'hunter2-secret';
    url.pathname = '/no_such_database_for_keen';
    const failure = importDjangoCommand.run(['--from', url.toString(), '--dry-run']);
    await expect(failure).rejects.toThrow(CommandError);
    await expect(importDjangoCommand.run(['--from', url.toString()])).rejects.not.toThrow(/hunter2/);
    await expect(importDjangoCommand.run([])).rejects.toThrow(/--from postgres:/);
    await expect(importDjangoCommand.run(['--from', 'mysql://x/y'])).rejects.toThrow(/postgres:\/\/ URL/);
    await expect(importDjangoCommand.run(['--from', fixture.url, '--force'])).rejects.toThrow(/--force/);
  });
});
