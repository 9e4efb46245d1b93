// The change list's data layer on a real database: search, filters, sort, paging, counts, links.
import { eq, sql } from 'drizzle-orm';
import { boolean, date, pgTable, serial, varchar } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categories, posts } from '../../src/apps/blog/schema.js';
import { type ChangeList, loadChangeList, type QueryInput } from '../../src/contrib/admin/changelist/load.js';
import { defineAdmin } from '../../src/contrib/admin/define.js';
import { AdminSite, type ModelAdmin } from '../../src/contrib/admin/site.js';
import { users } from '../../src/contrib/auth/schema.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';

/** A table made for this test only: a nullable boolean and a plain date, which the blog lacks. */
const tasks = pgTable('changelist_test_task', {
  id: serial('id').primaryKey(),
  name: varchar('name', { length: 100 }).notNull(),
  done: boolean('done'),
  dueOn: date('due_on'),
});

const blogApp: KeenApp = {
  name: 'blog',
  models: [{ name: 'post' }, { name: 'category' }],
  admin: [
    defineAdmin(posts, {
      model: 'post',
      listDisplay: [
        'title', // 1
        'status', // 2
        'categoryId', // 3
        'publishedAt', // 4
        { label: 'Reading time', value: (row) => `${row.readingMinutes} min`, orderBy: 'readingMinutes' }, // 5
        { label: 'Loud slug', value: (row) => row.slug.toUpperCase() }, // 6: not sortable
        'extra', // 7: JSON, not sortable
      ],
      searchFields: ['title', 'summary', 'status'],
      listFilter: ['status', 'categoryId', 'publishedAt', 'authorId'],
      ordering: ['-publishedAt'],
      listPerPage: 5,
    }),
    defineAdmin(categories, { model: 'category', listDisplay: ['name', 'slug'], ordering: ['name'] }),
  ],
};
const labApp: KeenApp = {
  name: 'lab',
  models: [{ name: 'task' }],
  admin: [
    defineAdmin(tasks, {
      model: 'task',
      listDisplay: ['name', 'done', 'dueOn'],
      listFilter: ['done', 'dueOn'],
    }),
  ],
};

// 15 June 2024, 08:00 in New York: "today" there started at 04:00 UTC.
const NOW = new Date('2024-06-15T12:00:00Z');
const TIME_ZONE = 'America/New_York';

/** Seeded posts by number; `[title, summary, status, category, publishedAt, readingMinutes]`. */
const POSTS: [string, string, 'draft' | 'published', string | null, string | null, number][] = [
  ['Hello world', 'The first post', 'published', 'News', '2024-06-15T04:30:00Z', 3], // 1: today in New York
  ['World news', 'hello there', 'published', 'News', '2024-06-15T03:30:00Z', 5], // 2: 14 June in New York
  ['Discount 100% off', '', 'published', 'Tech', '2024-06-10T12:00:00Z', 2], // 3
  ['Over 1000 readers', '', 'draft', 'Tech', '2024-06-01T12:00:00Z', 8], // 4
  ['under_score', '', 'draft', null, null, 1], // 5
  ['underXscore', '', 'draft', null, null, 1], // 6
  ['back\\slash path', '', 'published', 'Life', '2024-01-10T12:00:00Z', 4], // 7
  ['Same title', 'a', 'published', 'Life', '2023-12-31T12:00:00Z', 6], // 8
  ['Same title', 'b', 'published', 'Life', '2023-12-31T12:00:00Z', 6], // 9
  ['Draft about publishing', 'publish', 'draft', 'News', null, 7], // 10
  ['Old news', '', 'published', 'News', '2020-05-05T12:00:00Z', 9], // 11
  ['Future post', '', 'draft', 'Tech', '2024-07-01T12:00:00Z', 2], // 12
  ['Early bird', '', 'published', null, '2024-06-08T03:00:00Z', 1], // 13: 7 June 23:00 in New York
  ['Dawn', '', 'published', null, '2024-06-08T04:00:00Z', 1], // 14: 8 June 00:00 in New York
];

describe(`admin change list (${ENGINE})`, () => {
  let database: TestDatabase;
  let postAdmin: ModelAdmin;
  let taskAdmin: ModelAdmin;
  /** Post number (1-based, as in POSTS) → id. */
  const postId: number[] = [0];
  const categoryId = new Map<string, number>();
  let authorId: number;

  const load = (
    model: ModelAdmin,
    query: QueryInput,
    options: Partial<Parameters<typeof loadChangeList>[3]> = {},
  ) => loadChangeList(database.db, model, query, { timeZone: TIME_ZONE, now: NOW, ...options });
  /** The page's rows as post numbers. */
  const numbers = (list: ChangeList) => list.rows.map((row) => postId.indexOf(row.id as number));
  const sortedNumbers = (list: ChangeList) => numbers(list).sort((a, b) => a - b);
  /** Every matching post number, sorted, across all pages. */
  const everyNumber = async (query: QueryInput) => {
    const found: number[] = [];
    for (let page = 1; ; page++) {
      const list = await load(postAdmin, { ...query, p: String(page) });
      found.push(...numbers(list));
      if (!list.hasNext) return found.sort((a, b) => a - b);
    }
  };
  const filterOf = (list: ChangeList, key: string) => list.filters.find((filter) => filter.key === key)!;

  beforeAll(async () => {
    database = await createTestDatabase();
    const site = new AdminSite([blogApp, labApp], '/admin/');
    postAdmin = site.find('blog', 'post')!;
    taskAdmin = site.find('lab', 'task')!;

    // More than 100 users, so the author filter must not list them all.
    await database.db.execute(
      sql`INSERT INTO auth_user (username, password) SELECT 'user' || g, '!' FROM generate_series(1, 150) AS g`,
    );
    const [author] = await database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.username, 'user42'));
    authorId = author!.id;
    for (const name of ['News', 'Tech', 'Life']) {
      const [row] = await database.db
        .insert(categories)
        .values({ name, slug: name.toLowerCase() })
        .returning();
      categoryId.set(name, row!.id);
    }
    for (const [index, [title, summary, status, category, publishedAt, readingMinutes]] of POSTS.entries()) {
      const [row] = await database.db
        .insert(posts)
        .values({
          title,
          summary,
          status,
          slug: `post-${index + 1}`,
          categoryId: category ? categoryId.get(category) : null,
          authorId: index === 0 ? authorId : null,
          publishedAt: publishedAt ? new Date(publishedAt) : null,
          readingMinutes,
        })
        .returning();
      postId.push(row!.id);
    }

    await database.db.execute(
      sql`CREATE TABLE changelist_test_task (id serial PRIMARY KEY, name varchar(100) NOT NULL, done boolean, due_on date)`,
    );
    await database.db.insert(tasks).values([
      { name: 'a', done: true, dueOn: '2024-06-15' },
      { name: 'b', done: false, dueOn: '2024-06-14' },
      { name: 'c', done: null, dueOn: null },
      { name: 'd', done: true, dueOn: '2024-06-08' },
      { name: 'e', done: true, dueOn: '2024-06-07' },
    ]);
  }, 60_000);
  afterAll(() => database.close());

  describe('search', () => {
    it('needs every term in some search field (an AND of ORs), case-insensitively', async () => {
      expect(sortedNumbers(await load(postAdmin, { q: 'hello world' }))).toEqual([1, 2]);
      expect(sortedNumbers(await load(postAdmin, { q: 'NEWS hello' }))).toEqual([2]);
      expect(sortedNumbers(await load(postAdmin, { q: 'hello nothing-like-this' }))).toEqual([]);
    });

    it('keeps a quoted phrase whole', async () => {
      const list = await load(postAdmin, { q: '"hello world"' });
      expect(sortedNumbers(list)).toEqual([1]);
      expect(list.searchTerms).toEqual(['hello world']);
      expect(list.search).toBe('"hello world"');
    });

    it('matches %, _ and \\ literally', async () => {
      expect(sortedNumbers(await load(postAdmin, { q: '100%' }))).toEqual([3]);
      expect(sortedNumbers(await load(postAdmin, { q: 'under_score' }))).toEqual([5]);
      expect(sortedNumbers(await load(postAdmin, { q: 'back\\slash' }))).toEqual([7]);
      expect(sortedNumbers(await load(postAdmin, { q: '%' }))).toEqual([3]);
    });

    it('searches a choice (enum) field as text', async () => {
      const list = await load(postAdmin, { q: 'PUBLISH' }, { exactCount: true });
      // Every published post, and the draft with "publish" in its title and summary.
      expect(list.total).toEqual({ value: 10, exact: true });
    });

    it('takes an empty or blank q as no search, and says "N results (M total)"', async () => {
      for (const q of ['', '   ', '""']) {
        const list = await load(postAdmin, { q });
        expect(list.filtered).toBe(false);
        expect(list.total).toEqual({ value: 14, exact: true });
        expect(list.query).toBe('?');
      }
      const searched = await load(postAdmin, { q: 'news' });
      expect(searched.total).toEqual({ value: 2, exact: true });
      expect(searched.unfilteredTotal).toEqual({ value: 14, exact: true });
    });
  });

  describe('filters', () => {
    it('filter by a choice, ignoring a value that is not one (no error)', async () => {
      expect(sortedNumbers(await load(postAdmin, { status: 'draft' }))).toEqual([4, 5, 6, 10, 12]);
      const bogus = await load(postAdmin, { status: 'bogus', q: 'news' });
      expect(bogus.invalidParams).toEqual(['status']);
      expect(sortedNumbers(bogus)).toEqual([2, 11]);
      expect(bogus.query).toBe('?q=news');
    });

    it('lists the choices with links that keep the other parameters and go back to page 1', async () => {
      const list = await load(postAdmin, { q: 'o', status: 'draft', p: '1', o: '1' });
      const status = filterOf(list, 'status');
      expect(status.title).toBe('Status');
      expect(status.active).toBe(true);
      expect(status.options).toEqual([
        { label: 'All', selected: false, query: '?q=o&o=1' },
        { label: 'Draft', selected: true, query: '?q=o&status=draft&o=1' },
        { label: 'Published', selected: false, query: '?q=o&status=published&o=1' },
      ]);
    });

    it('takes a repeated parameter as any of its values', async () => {
      const query = { categoryId: [String(categoryId.get('Tech')), String(categoryId.get('Life'))] };
      expect(await everyNumber(query)).toEqual([3, 4, 7, 8, 9, 12]);
    });

    it('filter by foreign key, listing a small target table by its first text column', async () => {
      const news = categoryId.get('News')!;
      const list = await load(postAdmin, { categoryId: String(news) });
      expect(sortedNumbers(list)).toEqual([1, 2, 10, 11]);
      const filter = filterOf(list, 'categoryId');
      expect(filter.partial).toBe(false);
      expect(filter.options.map((option) => [option.label, option.selected])).toEqual([
        ['All', false],
        ['Life', false],
        ['News', true],
        ['Tech', false],
        ['Empty', false],
      ]);
      expect(filter.options[4]!.query).toBe('?categoryId__isnull=true');
      expect(sortedNumbers(await load(postAdmin, { categoryId__isnull: 'true' }))).toEqual([5, 6, 13, 14]);
    });

    it('ignore a foreign key id that is not a number; an unknown id matches nothing', async () => {
      for (const bad of ['abc', '1.5', '99999999999', '', '1; drop table blog_post']) {
        const list = await load(postAdmin, { categoryId: bad });
        expect(list.invalidParams, bad).toEqual(['categoryId']);
        expect(list.total.value).toBe(14);
      }
      const missing = await load(postAdmin, { categoryId: '99999' });
      expect(missing.rows).toEqual([]);
      expect(missing.invalidParams).toEqual([]);
      expect(filterOf(missing, 'categoryId').options.at(-2)).toMatchObject({
        label: '99999',
        selected: true,
      });
    });

    it('list only the selected rows of a big target table', async () => {
      const list = await load(postAdmin, { authorId: String(authorId) });
      expect(sortedNumbers(list)).toEqual([1]);
      const filter = filterOf(list, 'authorId');
      expect(filter.partial).toBe(true);
      expect(filter.options.map((option) => [option.label, option.selected])).toEqual([
        ['All', false],
        ['user42', true],
        ['Empty', false],
      ]);
      const unselected = filterOf(await load(postAdmin, {}), 'authorId');
      expect(unselected.options.map((option) => option.label)).toEqual(['All', 'Empty']);
    });

    it('date presets count days from midnight in TIME_ZONE', async () => {
      const list = await load(postAdmin, {});
      const options = filterOf(list, 'publishedAt').options;
      expect(options.map((option) => option.label)).toEqual([
        'Any date',
        'Today',
        'Past 7 days',
        'This month',
        'This year',
        'No date',
        'Has date',
      ]);
      expect(options.map((option) => option.query)).toEqual([
        '?',
        '?publishedAt__gte=2024-06-15&publishedAt__lt=2024-06-16',
        '?publishedAt__gte=2024-06-08&publishedAt__lt=2024-06-16',
        '?publishedAt__gte=2024-06-01&publishedAt__lt=2024-07-01',
        '?publishedAt__gte=2024-01-01&publishedAt__lt=2025-01-01',
        '?publishedAt__isnull=true',
        '?publishedAt__isnull=false',
      ]);
      const expected = [[1], [1, 2, 3, 14], [1, 2, 3, 4, 13, 14], [1, 2, 3, 4, 7, 12, 13, 14], [5, 6, 10]];
      for (const [index, numbersExpected] of expected.entries()) {
        const option = options[index + 1]!;
        const query = Object.fromEntries(new URLSearchParams(option.query));
        expect(await everyNumber(query), option.label).toEqual(numbersExpected);
        const filtered = await load(postAdmin, query);
        const selected = filterOf(filtered, 'publishedAt').options.filter((entry) => entry.selected);
        expect(selected.map((entry) => entry.label)).toEqual([option.label]);
      }
      expect((await load(postAdmin, { publishedAt__isnull: 'false' })).total.value).toBe(11);
      // In UTC, post 2 (03:30 UTC on the 15th) is today too.
      const utc = await load(
        postAdmin,
        { publishedAt__gte: '2024-06-15', publishedAt__lt: '2024-06-16' },
        { timeZone: 'UTC' },
      );
      expect(sortedNumbers(utc)).toEqual([1, 2]);
    });

    it('takes a free date range, and ignores a date that does not exist', async () => {
      const list = await load(postAdmin, { publishedAt__gte: '2024-06-14', publishedAt__lt: '2024-06-15' });
      expect(sortedNumbers(list)).toEqual([2]);
      const filter = filterOf(list, 'publishedAt');
      expect(filter.range).toEqual({
        gteParam: 'publishedAt__gte',
        ltParam: 'publishedAt__lt',
        gte: '2024-06-14',
        lt: '2024-06-15',
      });
      expect(filter.options.some((option) => option.selected)).toBe(false);
      const bad = await load(postAdmin, { publishedAt__gte: '2024-02-30', publishedAt__lt: 'tomorrow' });
      expect(bad.invalidParams).toEqual(['publishedAt__gte', 'publishedAt__lt']);
      expect(bad.total.value).toBe(14);
      expect(sortedNumbers(await load(postAdmin, { publishedAt__lt: '2024-01-01' }))).toEqual([8, 9, 11]);
    });

    it('filter a nullable boolean: yes, no, unknown', async () => {
      const names = async (query: QueryInput) =>
        (await load(taskAdmin, query)).rows.map((row) => row.name as string).sort();
      expect(await names({ done: 'true' })).toEqual(['a', 'd', 'e']);
      expect(await names({ done: 'false' })).toEqual(['b']);
      expect(await names({ done__isnull: 'true' })).toEqual(['c']);
      expect(await names({ done: ['true', 'false'] })).toEqual(['a', 'b', 'd', 'e']);
      const bad = await load(taskAdmin, { done: 'maybe' });
      expect(bad.invalidParams).toEqual(['done']);
      expect(bad.total.value).toBe(5);
      const filter = filterOf(await load(taskAdmin, { done: 'false' }), 'done');
      expect(filter.options.map((option) => [option.label, option.selected, option.query])).toEqual([
        ['All', false, '?'],
        ['Yes', false, '?done=true'],
        ['No', true, '?done=false'],
        ['Unknown', false, '?done__isnull=true'],
      ]);
    });

    it('filter a date column by presets and ranges', async () => {
      const names = async (query: QueryInput) =>
        (await load(taskAdmin, query)).rows.map((row) => row.name as string).sort();
      expect(await names({ dueOn__gte: '2024-06-15', dueOn__lt: '2024-06-16' })).toEqual(['a']);
      expect(await names({ dueOn__gte: '2024-06-08', dueOn__lt: '2024-06-16' })).toEqual(['a', 'b', 'd']);
      expect(await names({ dueOn__isnull: 'true' })).toEqual(['c']);
      expect(await names({ dueOn__lt: '2024-06-08' })).toEqual(['e']);
    });

    it('combine with each other and with the search; "clear all filters" keeps the search', async () => {
      const query = {
        q: 'world',
        status: 'published',
        categoryId: String(categoryId.get('News')),
        publishedAt__gte: '2024-06-01',
        publishedAt__lt: '2024-07-01',
      };
      const list = await load(postAdmin, query);
      expect(sortedNumbers(list)).toEqual([1, 2]);
      expect(sortedNumbers(await load(postAdmin, { ...query, q: 'first' }))).toEqual([1]);
      expect(sortedNumbers(await load(postAdmin, { ...query, status: 'draft' }))).toEqual([]);
      expect(list.clearFiltersQuery).toBe('?q=world');
      expect((await load(postAdmin, { ...query, o: '2' })).unfilteredQuery).toBe('?o=2');
      expect((await load(postAdmin, { o: '2' })).unfilteredQuery).toBeNull();
      expect(list.searchFormParams).toEqual([
        ['status', 'published'],
        ['categoryId', String(categoryId.get('News'))],
        ['publishedAt__gte', '2024-06-01'],
        ['publishedAt__lt', '2024-07-01'],
      ]);
      expect((await load(postAdmin, { q: 'world' })).clearFiltersQuery).toBeNull();
    });

    it('ignore unknown parameters and __isnull on a required field', async () => {
      const list = await load(postAdmin, { e: '1', title: 'x', status__isnull: 'true', q: 'hello' });
      expect(list.invalidParams.sort()).toEqual(['e', 'status__isnull', 'title']);
      expect(sortedNumbers(list)).toEqual([1, 2]);
      expect(list.query).toBe('?q=hello');
    });
  });

  describe('sort', () => {
    const news = () => String(categoryId.get('News'));

    it('by column index, ascending or descending', async () => {
      expect(numbers(await load(postAdmin, { categoryId: news(), o: '1' }))).toEqual([10, 1, 11, 2]);
      expect(numbers(await load(postAdmin, { categoryId: news(), o: '-1' }))).toEqual([2, 11, 1, 10]);
      const tech = String(categoryId.get('Tech'));
      // Column 5 is computed and sorts by reading minutes; 3 and 12 tie, the primary key breaks it (descending).
      expect(numbers(await load(postAdmin, { categoryId: tech, o: '5' }))).toEqual([12, 3, 4]);
      expect(numbers(await load(postAdmin, { categoryId: tech, o: '-5' }))).toEqual([4, 12, 3]);
    });

    it('breaks ties by the primary key, whichever the direction', async () => {
      expect(numbers(await load(postAdmin, { q: 'same', o: '1' }))).toEqual([9, 8]);
      expect(numbers(await load(postAdmin, { q: 'same', o: '-1' }))).toEqual([9, 8]);
    });

    it('by several columns, the first one primary', async () => {
      const list = await load(postAdmin, { categoryId: news(), o: '2.-1' });
      expect(numbers(list)).toEqual([10, 2, 11, 1]);
      const title = list.sort.find((view) => view.column === 1)!;
      const status = list.sort.find((view) => view.column === 2)!;
      expect(status).toMatchObject({ label: 'Status', direction: 'asc', priority: 1 });
      expect(title).toMatchObject({ label: 'Title', direction: 'desc', priority: 2 });
      const link = `?categoryId=${news()}&o=`;
      expect(title.primaryQuery).toBe(`${link}1.2`);
      expect(title.ascQuery).toBe(`${link}1.2`);
      expect(title.descQuery).toBe(`${link}-1.2`);
      expect(title.toggleQuery).toBe(`${link}2.1`);
      expect(title.removeQuery).toBe(`${link}2`);
      expect(status.primaryQuery).toBe(`${link}-2.-1`);
      const reading = list.sort.find((view) => view.column === 5)!;
      expect(reading).toMatchObject({
        direction: null,
        priority: null,
        toggleQuery: null,
        removeQuery: null,
      });
      expect(reading.primaryQuery).toBe(`${link}5.2.-1`);
    });

    it('lists the sortable columns only: fields (not JSON) and computed columns with orderBy', async () => {
      const list = await load(postAdmin, {});
      expect(list.sort.map((view) => view.column)).toEqual([1, 2, 3, 4, 5]);
      // Without o, the registration's ordering shows on its column.
      expect(list.sort.find((view) => view.column === 4)).toMatchObject({ direction: 'desc', priority: 1 });
    });

    it('falls back to the registration ordering (then the primary key, descending) when o is absent or bad', async () => {
      const byDefault = [10, 6, 5, 12, 1, 2, 3, 14, 13, 4, 7, 9, 8, 11];
      const all = async (query: QueryInput) => {
        const pages: number[] = [];
        for (let page = 1; page <= 3; page++)
          pages.push(...numbers(await load(postAdmin, { ...query, p: String(page) })));
        return pages;
      };
      expect(await all({})).toEqual(byDefault);
      for (const bad of ['6', '7', '0', '8', 'abc', '1.x', '-', '1..2', '+1']) {
        const list = await load(postAdmin, { o: bad });
        expect(list.invalidParams, bad).toEqual(['o']);
        expect(numbers(list), bad).toEqual(byDefault.slice(0, 5));
      }
      // An empty o sorts by the primary key alone (Django's "remove the last sorted column").
      expect(numbers(await load(postAdmin, { o: '' }))).toEqual([14, 13, 12, 11, 10]);
    });
  });

  describe('paging', () => {
    it('is 1-based, perPage rows a page, with compact page links', async () => {
      const first = await load(postAdmin, {});
      expect(first).toMatchObject({ page: 1, perPage: 5, pageCount: 3, hasNext: true, hasPrevious: false });
      expect(first.previousQuery).toBeNull();
      expect(first.nextQuery).toBe('?p=2');
      expect(first.pageLinks).toEqual([
        { type: 'page', number: 1, current: true, query: '?' },
        { type: 'page', number: 2, current: false, query: '?p=2' },
        { type: 'page', number: 3, current: false, query: '?p=3' },
      ]);
      const last = await load(postAdmin, { p: '3', q: 'e' });
      expect(last.page).toBe(3);
      expect(last.hasNext).toBe(false);
      expect(last.previousQuery).toBe('?q=e&p=2');
      expect(last.query).toBe('?q=e&p=3');
    });

    it('shows the last page for a page past the end, page 1 for a bad page number', async () => {
      const past = await load(postAdmin, { p: '99' });
      expect(past).toMatchObject({ page: 3, pageOutOfRange: true, hasNext: false });
      expect(numbers(past)).toEqual([7, 9, 8, 11]);
      for (const bad of ['0', '-1', 'abc', '1.5', '99999999999']) {
        const list = await load(postAdmin, { p: bad });
        expect(list.page, bad).toBe(1);
        expect(list.invalidParams, bad).toEqual(['p']);
      }
      const empty = await load(postAdmin, { q: 'no such post', p: '2' });
      expect(empty).toMatchObject({ page: 1, pageCount: 1, rows: [], total: { value: 0, exact: true } });
    });
  });

  describe('counts', () => {
    it('are capped for a search or filter: "more than", no page count, hasNext from one row more', async () => {
      const options = { countCap: 3 };
      const first = await load(postAdmin, { q: 'e' }, options);
      expect(first.total).toEqual({ value: 3, exact: false });
      expect(first.pageCount).toBeNull();
      expect(first.hasNext).toBe(true);
      expect(first.rows).toHaveLength(5);
      expect(first.exactCountQuery).toBe('?q=e&_count=exact');
      expect(first.pageLinks.map((link) => (link.type === 'page' ? link.number : '…'))).toEqual([1, 2, '…']);
      // On the last page the total is known after all.
      const exact = await load(postAdmin, { q: 'e', _count: 'exact' });
      const lastPage = Math.ceil(exact.total.value / 5);
      const last = await load(postAdmin, { q: 'e', p: String(lastPage) }, options);
      expect(last.total).toEqual(exact.total);
      expect(last.pageCount).toBe(lastPage);
      // Past the end, with no count to tell where it is: an empty page.
      const past = await load(postAdmin, { q: 'e', p: '50' }, options);
      expect(past).toMatchObject({ rows: [], pageOutOfRange: true, hasNext: false, pageCount: null });
    });

    it('_count=exact counts, and stays on the page links but not on filter links', async () => {
      const list = await load(postAdmin, { q: 'e', _count: 'exact', p: '2' }, { countCap: 3 });
      expect(list.total.exact).toBe(true);
      expect(list.exactCountQuery).toBeNull();
      expect(list.previousQuery).toBe('?q=e&_count=exact');
      expect(filterOf(list, 'status').options[1]!.query).toBe('?q=e&status=draft');
      expect(list.invalidParams).toEqual([]);
    });

    it('estimate a whole table from pg_class once it is analysed, and count it when never analysed', async () => {
      const options = { estimateThreshold: 1 };
      expect((await load(postAdmin, {}, options)).total).toEqual({ value: 14, exact: true });
      await database.db.execute(sql`ANALYZE blog_post`);
      const estimated = await load(postAdmin, {}, options);
      expect(estimated.total).toEqual({ value: 14, exact: false });
      expect(estimated.pageCount).toBeNull();
      expect(estimated.hasNext).toBe(true);
      expect(estimated.exactCountQuery).toBe('?_count=exact');
      const searched = await load(postAdmin, { q: 'news' }, options);
      expect(searched.total).toEqual({ value: 2, exact: true });
      expect(searched.unfilteredTotal).toEqual({ value: 14, exact: false });
      expect((await load(postAdmin, {}, { ...options, exactCount: true })).total).toEqual({
        value: 14,
        exact: true,
      });
      // Below the threshold (10,000 by default) the table is counted.
      expect((await load(postAdmin, {})).total).toEqual({ value: 14, exact: true });
    });
  });
});
