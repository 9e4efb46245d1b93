// Real constraint violations from INSERT/UPDATE on the example tables, on PGlite and PostgreSQL alike
// (KEEN_TEST_DATABASE_URL), turned into form errors.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINE, type TestDatabase } from '../../../../test/support/database.js';
import { categories, postLinks, posts } from '../../../apps/blog/schema.js';
import { experience, profiles, skills } from '../../../apps/resume/schema.js';
import { atomic } from '../../../db/transaction.js';
import { fieldsOf } from '../fields.js';
import { formErrorsFromDatabaseError, postgresErrorOf } from './database-errors.js';

let database: TestDatabase;

let profileId = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  const [profile] = await database.db.insert(profiles).values({ fullName: 'Test' }).returning();
  profileId = profile!.id;
});

afterAll(async () => {
  await database?.close();
});

/** The error `work` throws (the test fails if it does not throw). */
async function errorOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the query to fail');
}

const postFields = fieldsOf(posts);
let slugCounter = 0;
const freshSlug = () => `post-${++slugCounter}`;

describe(`on ${ENGINE}`, () => {
  test('a duplicate slug is an error on the slug field', async () => {
    await database.db.insert(posts).values({ title: 'First', slug: 'same' });
    const error = await errorOf(() => database.db.insert(posts).values({ title: 'Second', slug: 'same' }));
    expect(formErrorsFromDatabaseError(error, postFields)).toEqual({
      slug: ['Slug with this value already exists.'],
    });
    expect(formErrorsFromDatabaseError(error, postFields, {}, { verboseName: 'post' })).toEqual({
      slug: ['Post with this Slug already exists.'],
    });
  });

  test('a duplicate on UPDATE, inside a transaction, is found through the wrapping', async () => {
    const [row] = await database.db.insert(posts).values({ title: 'Other', slug: freshSlug() }).returning();
    const error = await errorOf(() =>
      atomic(database.db, (tx) => tx.update(posts).set({ slug: 'same' }).where(eq(posts.id, row!.id))),
    );
    expect(postgresErrorOf(error)?.code).toBe('23505');
    expect(formErrorsFromDatabaseError(error, postFields)).toEqual({
      slug: ['Slug with this value already exists.'],
    });
  });

  test('a unique column of another table (blog_category.name)', async () => {
    await database.db.insert(categories).values({ name: 'News', slug: 'news' });
    const error = await errorOf(() =>
      database.db.insert(categories).values({ name: 'News', slug: 'news-2' }),
    );
    expect(formErrorsFromDatabaseError(error, fieldsOf(categories), {}, { verboseName: 'category' })).toEqual(
      {
        name: ['Category with this Name already exists.'],
      },
    );
  });

  test('blog_post_reading_minutes_positive: a single-column check lands on its field', async () => {
    const error = await errorOf(() =>
      database.db.insert(posts).values({ title: 'T', slug: freshSlug(), readingMinutes: 0 }),
    );
    expect(formErrorsFromDatabaseError(error, postFields)).toEqual({
      readingMinutes: ['Constraint “blog_post_reading_minutes_positive” is violated.'],
    });
    expect(
      formErrorsFromDatabaseError(error, postFields, {
        blog_post_reading_minutes_positive: 'Reading time is at least one minute.',
      }),
    ).toEqual({ readingMinutes: ['Reading time is at least one minute.'] });
  });

  test('resume_skill_level_range on UPDATE', async () => {
    const [skill] = await database.db
      .insert(skills)
      .values({ profileId, name: 'TypeScript', level: '9.5' })
      .returning();
    const error = await errorOf(() =>
      database.db.update(skills).set({ level: '10.5' }).where(eq(skills.id, skill!.id)),
    );
    expect(formErrorsFromDatabaseError(error, fieldsOf(skills))).toEqual({
      level: ['Constraint “resume_skill_level_range” is violated.'],
    });
  });

  test('resume_experience_dates_ordered: a check across columns is a form error, unless mapped to a field', async () => {
    const error = await errorOf(() =>
      database.db.insert(experience).values({
        profileId,
        company: 'Acme',
        position: 'Dev',
        startDate: '2020-01-01',
        endDate: '2019-12-31',
      }),
    );
    const fields = fieldsOf(experience);
    expect(formErrorsFromDatabaseError(error, fields)).toEqual({
      __all__: ['Constraint “resume_experience_dates_ordered” is violated.'],
    });
    expect(
      formErrorsFromDatabaseError(error, fields, {
        resume_experience_dates_ordered: {
          message: 'The end date cannot be before the start date.',
          field: 'endDate',
        },
      }),
    ).toEqual({ endDate: ['The end date cannot be before the start date.'] });
    expect(
      formErrorsFromDatabaseError(error, fields, {
        resume_experience_dates_ordered: 'Dates are out of order.',
      }),
    ).toEqual({ __all__: ['Dates are out of order.'] });
  });

  test('a missing category id is an invalid choice on the foreign key field', async () => {
    const error = await errorOf(() =>
      database.db.insert(posts).values({ title: 'T', slug: freshSlug(), categoryId: 999_999 }),
    );
    expect(formErrorsFromDatabaseError(error, postFields)).toEqual({
      categoryId: ['Select a valid choice. That choice is not one of the available choices.'],
    });
  });

  test('NULL in a NOT NULL column is "required" on that field', async () => {
    const error = await errorOf(() =>
      database.db.insert(posts).values({ title: null as unknown as string, slug: freshSlug() }),
    );
    expect(formErrorsFromDatabaseError(error, postFields)).toEqual({ title: ['This field is required.'] });
  });

  test("another table's violation does not land on a same-named field of this one", async () => {
    const [post] = await database.db.insert(posts).values({ title: 'Parent', slug: freshSlug() }).returning();
    const error = await errorOf(() =>
      database.db
        .insert(postLinks)
        .values({ postId: post!.id, title: null as unknown as string, url: 'https://x' }),
    );
    expect(formErrorsFromDatabaseError(error, postFields)).toEqual({
      __all__: ['A value is required for the column “title”.'],
    });
    expect(formErrorsFromDatabaseError(error, fieldsOf(postLinks))).toEqual({
      title: ['This field is required.'],
    });
  });

  test('deleting a category that posts still use is a form-wide error', async () => {
    const [category] = await database.db
      .insert(categories)
      .values({ name: 'Used', slug: 'used' })
      .returning();
    await database.db.insert(posts).values({ title: 'T', slug: freshSlug(), categoryId: category!.id });
    const error = await errorOf(() => database.db.delete(categories).where(eq(categories.id, category!.id)));
    // PostgreSQL 17 (PGlite) reports a RESTRICT key as 23001, earlier versions as 23503.
    expect(['23001', '23503']).toContain(postgresErrorOf(error)?.code);
    expect(formErrorsFromDatabaseError(error, fieldsOf(categories))).toEqual({
      __all__: [
        'This object is referenced by rows of “blog_post”, so it cannot be deleted or its key changed.',
      ],
    });
  });

  test('data errors the parsers would have caught are form-wide, in the database’s words', async () => {
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => database.db.insert(posts).values({ title: 'x'.repeat(201), slug: freshSlug() }),
        'A value is too long for its column: value too long for type character varying(200).',
      ],
      [
        () => database.db.insert(skills).values({ profileId, name: 'Overflow', level: '123.4' }),
        'A number is out of range: numeric field overflow (A field with precision 3, scale 1 must round to an absolute value less than 10^2).',
      ],
      [
        () => database.db.insert(posts).values({ title: 'T', slug: freshSlug(), readingMinutes: 2 ** 40 }),
        'A number is out of range: value "1099511627776" is out of range for type integer.',
      ],
      [
        () =>
          database.db
            .insert(posts)
            .values({ title: 'T', slug: freshSlug(), readingMinutes: 'abc' as unknown as number }),
        'A value has the wrong format: invalid input syntax for type integer: "abc".',
      ],
      [
        () =>
          database.db
            .insert(experience)
            .values({ profileId, company: 'C', position: 'R', startDate: '2020-02-30' }),
        'A date or time is out of range: date/time field value out of range: "2020-02-30".',
      ],
      [
        () =>
          database.db
            .insert(experience)
            .values({ profileId, company: 'C', position: 'R', startDate: 'someday' }),
        'A date or time is not valid: invalid input syntax for type date: "someday".',
      ],
    ];
    for (const [work, message] of cases) {
      const error = await errorOf(work);
      expect(
        formErrorsFromDatabaseError(error, [...postFields, ...fieldsOf(skills), ...fieldsOf(experience)]),
      ).toEqual({
        __all__: [message],
      });
    }
  });

  test('anything else is not a form error: the caller rethrows it', async () => {
    const syntax = await errorOf(() => database.db.execute(sql`SELEC 1`));
    expect(postgresErrorOf(syntax)?.code).toBe('42601');
    expect(formErrorsFromDatabaseError(syntax, postFields)).toBeNull();
    expect(formErrorsFromDatabaseError(new Error('boom'), postFields)).toBeNull();
    expect(
      formErrorsFromDatabaseError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), postFields),
    ).toBeNull();
    expect(formErrorsFromDatabaseError(undefined, postFields)).toBeNull();
    expect(formErrorsFromDatabaseError('23505', postFields)).toBeNull();
  });
});

test('the cause chain is followed through extra wrappers, and cycles end', async () => {
  const error = await errorOf(() => database.db.insert(posts).values({ title: 'T', slug: 'same' }));
  const wrapped = new Error('saving failed', { cause: new Error('in a service', { cause: error }) });
  expect(formErrorsFromDatabaseError(wrapped, postFields)).toEqual({
    slug: ['Slug with this value already exists.'],
  });
  const cyclic: { message: string; cause?: unknown } = { message: 'loop' };
  cyclic.cause = cyclic;
  expect(postgresErrorOf(cyclic)).toBeNull();
});
