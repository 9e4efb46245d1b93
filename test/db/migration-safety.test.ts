// Issue 15, migrations that never lock the site: each operation that would block a big table (or break
// the workers of the previous release during a rolling reload) is flagged with its safe recipe, a
// statement on a table the same migration creates is not, an author's judged exception needs a reason,
// the committed migrations pass, and a CREATE INDEX CONCURRENTLY migration really runs through
// `keen migrate` (outside a transaction) on both engines.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { type MigrationFile, migrate, readMigrations } from '../../src/db/migrate.js';
import { checkedMigrations, needsOwnTransaction, unsafeOperations } from '../../src/db/migration-safety.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';

const file = (name: string, ...statements: string[]): MigrationFile => ({
  name,
  statements,
  checksum: createHash('sha256').update(statements.join('\n')).digest('hex'),
});
const problemsOf = (...statements: string[]) =>
  unsafeOperations(file('0100_test', ...statements)).map((finding) => finding.problem);

describe('unsafe migration operations', () => {
  it.each([
    ['ALTER TABLE "blog_post" ADD COLUMN "views" integer NOT NULL;', /NOT NULL column without a default/],
    ['ALTER TABLE "blog_post" ADD COLUMN "uid" uuid DEFAULT gen_random_uuid() NOT NULL;', /volatile/],
    [
      `ALTER TABLE "blog_post" ADD COLUMN "words" integer GENERATED ALWAYS AS (length(body)) STORED;`,
      /stored generated column/,
    ],
    ['ALTER TABLE "blog_post" ALTER COLUMN "summary" SET NOT NULL;', /SET NOT NULL scans/],
    ['ALTER TABLE "blog_post" ALTER COLUMN "reading_minutes" SET DATA TYPE bigint;', /column type/],
    ['ALTER TABLE "blog_post" RENAME COLUMN "summary" TO "lead";', /renaming/],
    ['ALTER TABLE "blog_tag" RENAME TO "blog_label";', /renaming/],
    ['ALTER TABLE "blog_post" DROP COLUMN "summary";', /previous release select this column/],
    ['CREATE INDEX "blog_post_title_idx" ON "blog_post" USING btree ("title");', /blocks every write/],
    ['CREATE UNIQUE INDEX "blog_post_x_key" ON "blog_post" ("x");', /blocks every write/],
    ['DROP INDEX "blog_post_title_idx";', /DROP INDEX blocks/],
    [
      'ALTER TABLE "blog_comment" ADD CONSTRAINT "c_fk" FOREIGN KEY ("post_id") REFERENCES "public"."blog_post"("id");',
      /foreign key or check constraint/,
    ],
    ['ALTER TABLE "blog_post" ADD CONSTRAINT "p_len" CHECK (length(title) > 0);', /foreign key or check/],
  ])('flags %s', (statement, problem) => {
    const findings = unsafeOperations(file('0100_test', statement));
    expect(findings.map((finding) => finding.problem)).toEqual([expect.stringMatching(problem)]);
    expect(findings[0]?.recipe.length).toBeGreaterThan(20);
  });

  it('leaves the safe ways alone', () => {
    expect(
      problemsOf(
        'ALTER TABLE "blog_post" ADD COLUMN "views" integer DEFAULT 0 NOT NULL;',
        'ALTER TABLE "blog_post" ADD COLUMN "seen_at" timestamp with time zone DEFAULT now() NOT NULL;',
        'ALTER TABLE "blog_post" ADD COLUMN "note" text;',
        'ALTER TABLE "blog_post" ALTER COLUMN "title" SET DATA TYPE varchar(300);',
        'ALTER TABLE "blog_post" ALTER COLUMN "title" SET DATA TYPE text;',
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "blog_post_title_idx" ON "blog_post" ("title");',
        'DROP INDEX CONCURRENTLY IF EXISTS "blog_post_title_idx";',
        'ALTER TABLE "blog_comment" ADD CONSTRAINT "c_fk" FOREIGN KEY ("post_id") REFERENCES "blog_post"("id") NOT VALID;',
        'ALTER TABLE "blog_comment" VALIDATE CONSTRAINT "c_fk";',
      ),
    ).toEqual([]);
  });

  it('never flags a table the same migration creates: it is new and empty', () => {
    expect(
      problemsOf(
        'CREATE TABLE "gallery_photo" ("id" serial PRIMARY KEY NOT NULL, "post_id" integer NOT NULL);',
        'ALTER TABLE "gallery_photo" ADD CONSTRAINT "g_fk" FOREIGN KEY ("post_id") REFERENCES "public"."blog_post"("id");',
        'CREATE INDEX "gallery_photo_post_idx" ON "gallery_photo" USING btree ("post_id");',
        'ALTER TABLE "gallery_photo" ALTER COLUMN "post_id" SET NOT NULL;',
      ),
    ).toEqual([]);
  });

  it('takes an author’s judgement for one statement, only with a reason', () => {
    const index = 'CREATE INDEX "site_settings_x_idx" ON "site_settings" ("x");';
    expect(problemsOf(`-- keen:unsafe-ok one row, made by the migration\n${index}`)).toEqual([]);
    expect(problemsOf(`-- keen:unsafe-ok\n${index}`)).toHaveLength(1);
    expect(problemsOf(`-- keen:unsafe-ok one row\n${index}`, index)).toHaveLength(1);
  });

  it('the committed migrations after the baseline have no unflagged unsafe operation', () => {
    const all = readMigrations();
    const checked = checkedMigrations(all);
    expect(checked.length).toBe(all.length - all.findIndex((f) => f.name === '0008_redirects') - 1);
    expect(checked.flatMap(unsafeOperations)).toEqual([]);
  });

  it('knows which statements cannot run in a transaction block', () => {
    expect(needsOwnTransaction('CREATE INDEX CONCURRENTLY IF NOT EXISTS "a" ON "b" ("c")')).toBe(true);
    expect(needsOwnTransaction('drop index concurrently if exists "a"')).toBe(true);
    expect(needsOwnTransaction('-- not CREATE INDEX CONCURRENTLY here\nCREATE INDEX "a" ON "b" ("c")')).toBe(
      false,
    );
  });
});

describe(`keen migrate with a CREATE INDEX CONCURRENTLY migration (${ENGINE})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.close());

  it('commits what comes before it, runs it outside a transaction, records it, and goes on', async () => {
    const files = [
      ...readMigrations(),
      file('0101_post_views', 'ALTER TABLE "blog_post" ADD COLUMN "views" integer DEFAULT 0 NOT NULL;'),
      file(
        '0102_post_views_index',
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "blog_post_views_idx" ON "blog_post" USING btree ("views");',
      ),
      file(
        '0103_post_views_check',
        'ALTER TABLE "blog_post" ADD CONSTRAINT "v" CHECK ("views" >= 0) NOT VALID;',
      ),
    ];
    const result = await migrate(database, { files });
    expect(result.applied).toEqual(['0101_post_views', '0102_post_views_index', '0103_post_views_check']);
    const [index] = await queryRows<{ valid: boolean }>(
      database.db,
      sql`SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE c.relname = 'blog_post_views_idx'`,
    );
    expect(index).toEqual({ valid: true });
    expect((await migrate(database, { files })).applied).toEqual([]);
  });
});
