import {
  bigint,
  boolean,
  date,
  doublePrecision,
  integer,
  jsonb,
  numeric,
  pgTable,
  real,
  serial,
  smallint,
  text,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { describe, expect, test } from 'vitest';
import { posts } from '../../../apps/blog/schema.js';
import { experience, skills } from '../../../apps/resume/schema.js';
import { fileField, imageField, type StoredImage } from '../../media/fields.js';
import { type AdminField, fieldsOf } from '../fields.js';
import { displayValue, formatFieldValue, parseFieldValue } from './values.js';

const targets = pgTable('test_target', { id: uuid('id').primaryKey() });

/** Column types the example apps do not have. */
const samples = pgTable('test_sample', {
  id: serial('id').primaryKey(),
  small: smallint('small'),
  big: bigint('big', { mode: 'number' }),
  ratio: real('ratio'),
  precise: doublePrecision('precise'),
  plainNumeric: numeric('plain_numeric'),
  wholeNumeric: numeric('whole_numeric', { precision: 4 }),
  day: date('day', { mode: 'date' }),
  stamp: timestamp('stamp', { withTimezone: true, mode: 'string' }),
  active: boolean('active').notNull().default(true),
  reviewed: boolean('reviewed'),
  target: uuid('target').references(() => targets.id),
  data: jsonb('data'),
  note: varchar('note', { length: 3 }),
  code: text('code').notNull(),
  attachment: fileField('attachment'),
  photo: imageField('photo').notNull(),
  rank: integer('rank'),
});

function fieldOf(table: Parameters<typeof fieldsOf>[0], key: string): AdminField {
  const field = fieldsOf(table).find((candidate) => candidate.key === key);
  if (!field) throw new Error(`no field ${key}`);
  return field;
}

const post = (key: string) => fieldOf(posts, key);
const sample = (key: string) => fieldOf(samples, key);
const moscow = { timeZone: 'Europe/Moscow' };
const parse = (field: AdminField, raw: string | undefined) => parseFieldValue(field, raw, moscow);

describe('empty input', () => {
  test('nullable columns become NULL', () => {
    expect(parse(post('publishedAt'), '')).toEqual({ ok: true, value: null });
    expect(parse(post('categoryId'), undefined)).toEqual({ ok: true, value: null });
    expect(parse(sample('note'), '   ')).toEqual({ ok: true, value: null });
    expect(parse(sample('data'), '')).toEqual({ ok: true, value: null });
  });

  test('NOT NULL text with a default becomes the empty string', () => {
    expect(parse(post('summary'), '')).toEqual({ ok: true, value: '' });
    expect(parse(post('body'), undefined)).toEqual({ ok: true, value: '' });
  });

  test('other NOT NULL columns with a default are left out (undefined): the default applies', () => {
    expect(parse(post('readingMinutes'), '')).toEqual({ ok: true, value: undefined });
    expect(parse(post('status'), '')).toEqual({ ok: true, value: undefined });
    expect(parse(post('extra'), '')).toEqual({ ok: true, value: undefined });
  });

  test('NOT NULL columns without a default are required', () => {
    const required = { ok: false, error: 'This field is required.' };
    expect(parse(post('title'), '')).toEqual(required);
    expect(parse(post('slug'), ' \n')).toEqual(required);
    expect(parse(sample('code'), undefined)).toEqual(required);
    expect(parse(fieldOf(experience, 'startDate'), '')).toEqual(required);
    expect(parse(fieldOf(skills, 'name'), '')).toEqual(required);
    // A nullable numeric (a skill not rated) is optional.
    expect(parse(fieldOf(skills, 'level'), '')).toEqual({ ok: true, value: null });
  });
});

describe('text', () => {
  test('strips surrounding whitespace and keeps the rest', () => {
    expect(parse(post('title'), '  Hello <world> \n')).toEqual({ ok: true, value: 'Hello <world>' });
    expect(parse(post('body'), 'line 1\n\nline 3')).toEqual({ ok: true, value: 'line 1\n\nline 3' });
  });

  test('varchar length counts characters like PostgreSQL', () => {
    expect(parse(sample('note'), 'abc')).toEqual({ ok: true, value: 'abc' });
    expect(parse(sample('note'), 'abcd')).toEqual({
      ok: false,
      error: 'Ensure this value has at most 3 characters (it has 4).',
    });
    // Three emoji are six UTF-16 units but three characters.
    expect(parse(sample('note'), '😀😀😀')).toEqual({ ok: true, value: '😀😀😀' });
    expect(parse(post('title'), 'x'.repeat(200)).ok).toBe(true);
    expect(parse(post('title'), 'x'.repeat(201))).toEqual({
      ok: false,
      error: 'Ensure this value has at most 200 characters (it has 201).',
    });
  });

  test('NUL characters are refused (PostgreSQL cannot store them)', () => {
    expect(parse(post('body'), 'a\u0000b')).toEqual({ ok: false, error: 'Null characters are not allowed.' });
  });
});

describe('integer', () => {
  test('whole numbers', () => {
    expect(parse(post('readingMinutes'), '12')).toEqual({ ok: true, value: 12 });
    expect(parse(post('readingMinutes'), '+007')).toEqual({ ok: true, value: 7 });
    expect(parse(post('readingMinutes'), '-0')).toEqual({ ok: true, value: 0 });
    expect(Object.is((parse(post('readingMinutes'), '-0') as { value: number }).value, 0)).toBe(true);
  });

  test.each(['1.5', '1e3', 'abc', '12abc', '0x10', '1 000'])('%j is not a whole number', (raw) => {
    expect(parse(post('readingMinutes'), raw)).toEqual({ ok: false, error: 'Enter a whole number.' });
  });

  test('integer columns hold 32 bits', () => {
    expect(parse(post('readingMinutes'), '2147483647')).toEqual({ ok: true, value: 2147483647 });
    expect(parse(post('readingMinutes'), '-2147483648')).toEqual({ ok: true, value: -2147483648 });
    expect(parse(post('readingMinutes'), '2147483648')).toEqual({
      ok: false,
      error: 'Ensure this value is less than or equal to 2147483647.',
    });
    expect(parse(post('readingMinutes'), '-2147483649')).toEqual({
      ok: false,
      error: 'Ensure this value is greater than or equal to -2147483648.',
    });
    expect(parse(post('id'), '99999999999').ok).toBe(false);
  });

  test('smallint holds 16 bits; bigint (number mode) the safe integers', () => {
    expect(parse(sample('small'), '32767')).toEqual({ ok: true, value: 32767 });
    expect(parse(sample('small'), '32768').ok).toBe(false);
    expect(parse(sample('big'), '9007199254740991')).toEqual({ ok: true, value: 9007199254740991 });
    expect(parse(sample('big'), '9007199254740992')).toEqual({
      ok: false,
      error: 'Ensure this value is less than or equal to 9007199254740991.',
    });
    expect(parse(sample('big'), '-99999999999999999999').ok).toBe(false);
  });
});

describe('numeric', () => {
  const level = fieldOf(skills, 'level');

  test('numeric(3,1) returns a normalized string', () => {
    expect(parse(level, '7.5')).toEqual({ ok: true, value: '7.5' });
    expect(parse(level, '10')).toEqual({ ok: true, value: '10' });
    expect(parse(level, '.5')).toEqual({ ok: true, value: '0.5' });
    expect(parse(level, '5.')).toEqual({ ok: true, value: '5' });
    expect(parse(level, '+09.50')).toEqual({ ok: true, value: '9.5' });
    expect(parse(level, '-0.0')).toEqual({ ok: true, value: '0' });
    expect(parse(level, '-3')).toEqual({ ok: true, value: '-3' });
  });

  test('numeric(3,1) limits digits in total, after and before the point', () => {
    expect(parse(level, '1.25')).toEqual({
      ok: false,
      error: 'Ensure that there are no more than 1 decimal place.',
    });
    expect(parse(level, '123')).toEqual({
      ok: false,
      error: 'Ensure that there are no more than 2 digits before the decimal point.',
    });
    expect(parse(level, '123.4')).toEqual({
      ok: false,
      error: 'Ensure that there are no more than 3 digits in total.',
    });
    expect(parse(level, '99.9')).toEqual({ ok: true, value: '99.9' });
  });

  test.each(['abc', '1,5', '1.2.3', '.', '-', '1e2', 'NaN', 'Infinity'])('%j is not a number', (raw) => {
    expect(parse(level, raw)).toEqual({ ok: false, error: 'Enter a number.' });
  });

  test('numeric(4) has no decimal places; plain numeric has no limits', () => {
    expect(parse(sample('wholeNumeric'), '1234')).toEqual({ ok: true, value: '1234' });
    expect(parse(sample('wholeNumeric'), '1.5')).toEqual({
      ok: false,
      error: 'Ensure that there are no more than 0 decimal places.',
    });
    expect(parse(sample('plainNumeric'), '123456789012345678901234567890.123456789')).toEqual({
      ok: true,
      value: '123456789012345678901234567890.123456789',
    });
  });

  test('real and double precision return numbers', () => {
    expect(parse(sample('ratio'), '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(parse(sample('precise'), '-1.5e3')).toEqual({ ok: true, value: -1500 });
    expect(parse(sample('precise'), 'abc')).toEqual({ ok: false, error: 'Enter a number.' });
    expect(parse(sample('precise'), '1e400').ok).toBe(false);
    expect(parse(sample('ratio'), '1e39').ok).toBe(false);
    expect(parse(sample('precise'), '1e39')).toEqual({ ok: true, value: 1e39 });
  });
});

describe('boolean', () => {
  test('a NOT NULL boolean is a checkbox: missing means false', () => {
    const active = sample('active');
    for (const raw of ['on', 'true', '1', 'TRUE'])
      expect(parse(active, raw)).toEqual({ ok: true, value: true });
    for (const raw of [undefined, '', 'false', '0'])
      expect(parse(active, raw)).toEqual({ ok: true, value: false });
    expect(parse(active, 'maybe')).toEqual({ ok: false, error: 'Select Yes or No.' });
  });

  test('a nullable boolean is a select with an unknown choice', () => {
    const reviewed = sample('reviewed');
    expect(parse(reviewed, '')).toEqual({ ok: true, value: null });
    expect(parse(reviewed, undefined)).toEqual({ ok: true, value: null });
    expect(parse(reviewed, 'unknown')).toEqual({ ok: true, value: null });
    expect(parse(reviewed, 'true')).toEqual({ ok: true, value: true });
    expect(parse(reviewed, 'false')).toEqual({ ok: true, value: false });
  });
});

describe('date', () => {
  const startDate = fieldOf(experience, 'startDate');

  test('a string date column takes the string', () => {
    expect(parse(startDate, '2024-02-29')).toEqual({ ok: true, value: '2024-02-29' });
    expect(parse(startDate, ' 0001-01-01 ')).toEqual({ ok: true, value: '0001-01-01' });
  });

  test('a date-mode column takes a Date at UTC midnight', () => {
    const parsed = parse(sample('day'), '2024-03-10');
    expect(parsed.ok && parsed.value instanceof Date && parsed.value.toISOString()).toBe(
      '2024-03-10T00:00:00.000Z',
    );
    const early = parse(sample('day'), '0042-01-02');
    expect(early.ok && (early.value as Date).toISOString()).toBe('0042-01-02T00:00:00.000Z');
  });

  test.each([
    '2023-02-29',
    '2024-04-31',
    '2024-13-01',
    '2024-00-01',
    '0000-01-01',
    '24-01-01',
    '2024/01/01',
    'today',
  ])('%j is not a date', (raw) => {
    expect(parse(startDate, raw)).toEqual({ ok: false, error: 'Enter a valid date.' });
  });
});

describe('dateTime', () => {
  test('a datetime-local value is read in TIME_ZONE', () => {
    const parsed = parse(post('publishedAt'), '2024-07-01T12:00');
    expect(parsed.ok && (parsed.value as Date).toISOString()).toBe('2024-07-01T09:00:00.000Z');
    const newYork = parseFieldValue(post('publishedAt'), '2024-03-10T02:30', {
      timeZone: 'America/New_York',
    });
    expect(newYork.ok && (newYork.value as Date).toISOString()).toBe('2024-03-10T07:30:00.000Z');
  });

  test('a string-mode timestamp gets an ISO string', () => {
    expect(parse(sample('stamp'), '2024-07-01T12:00:30')).toEqual({
      ok: true,
      value: '2024-07-01T09:00:30.000Z',
    });
  });

  test.each(['2024-07-01', '2024-07-01T25:00', 'tomorrow', '2024-02-30T10:00'])(
    '%j is not a date/time',
    (raw) => {
      expect(parse(post('publishedAt'), raw)).toEqual({ ok: false, error: 'Enter a valid date/time.' });
    },
  );
});

describe('choice', () => {
  test('one of the enum values', () => {
    expect(parse(post('status'), 'published')).toEqual({ ok: true, value: 'published' });
    expect(parse(post('status'), 'archived')).toEqual({
      ok: false,
      error: 'Select a valid choice. archived is not one of the available choices.',
    });
    expect(parse(post('status'), 'Published').ok).toBe(false);
  });

  test('registration choices on an integer column give numbers', () => {
    const rank: AdminField = {
      ...sample('rank'),
      kind: 'choice',
      choices: [
        ['1', 'Low'],
        ['2', 'High'],
      ],
    };
    expect(parse(rank, '2')).toEqual({ ok: true, value: 2 });
    expect(parse(rank, '3').ok).toBe(false);
  });
});

describe('foreignKey', () => {
  const invalid = {
    ok: false,
    error: 'Select a valid choice. That choice is not one of the available choices.',
  };

  test('an integer target takes an integer id', () => {
    expect(parse(post('categoryId'), '42')).toEqual({ ok: true, value: 42 });
    expect(parse(post('categoryId'), 'abc')).toEqual(invalid);
    expect(parse(post('categoryId'), '4.2')).toEqual(invalid);
    expect(parse(post('categoryId'), '99999999999')).toEqual(invalid);
  });

  test('a uuid target takes a uuid string', () => {
    const id = '0b6c1a4e-2f4f-4d2a-9d0c-3f1b2a5c6d7e';
    expect(parse(sample('target'), id)).toEqual({ ok: true, value: id });
    expect(parse(sample('target'), '42')).toEqual(invalid);
  });
});

describe('json', () => {
  test('parses any JSON value', () => {
    expect(parse(post('extra'), '{"canonical": "https://example.com/"}')).toEqual({
      ok: true,
      value: { canonical: 'https://example.com/' },
    });
    expect(parse(sample('data'), '[1, 2.5, "x", true, null]')).toEqual({
      ok: true,
      value: [1, 2.5, 'x', true, null],
    });
    expect(parse(sample('data'), '"text"')).toEqual({ ok: true, value: 'text' });
  });

  test('a syntax error names the line and column', () => {
    expect(parse(post('extra'), '{\n  "a": 1,\n  "b": }')).toEqual({
      ok: false,
      error: 'Enter valid JSON: unexpected "}" at line 3, column 8.',
    });
    expect(parse(post('extra'), '{"a": 1')).toEqual({
      ok: false,
      error: 'Enter valid JSON: unexpected end of input, expected "," or "}" at line 1, column 8.',
    });
    expect(parse(post('extra'), "{'a': 1}")).toEqual({
      ok: false,
      error: `Enter valid JSON: unexpected "'", expected a "quoted" property name at line 1, column 2.`,
    });
    expect(parse(post('extra'), '[1, 2,]')).toEqual({
      ok: false,
      error: 'Enter valid JSON: unexpected "]" at line 1, column 7.',
    });
    expect(parse(post('extra'), '{} x')).toEqual({
      ok: false,
      error: 'Enter valid JSON: unexpected "x" at line 1, column 4.',
    });
    expect(parse(post('extra'), '[01]')).toEqual({
      ok: false,
      error: 'Enter valid JSON: unexpected "1" at line 1, column 3.',
    });
    expect(parse(post('extra'), '"a\\qb"')).toEqual({
      ok: false,
      error: 'Enter valid JSON: invalid escape "\\q" at line 1, column 3.',
    });
    expect(parse(post('extra'), '["abc')).toEqual({
      ok: false,
      error: 'Enter valid JSON: unterminated string at line 1, column 6.',
    });
    expect(parse(post('extra'), 'nul')).toEqual({
      ok: false,
      error: 'Enter valid JSON: unexpected end of input at line 1, column 4.',
    });
  });

  test('deep nesting that the scanner cannot follow still gets a message', () => {
    const deep = `${'['.repeat(200_000)}x`;
    const parsed = parse(sample('data'), deep);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toBe('Enter valid JSON.');
  });

  test('null in a NOT NULL column is required; NUL characters are refused', () => {
    expect(parse(post('extra'), 'null')).toEqual({ ok: false, error: 'This field is required.' });
    expect(parse(sample('data'), 'null')).toEqual({ ok: true, value: null });
    expect(parse(sample('data'), '{"a": "\\u0000"}')).toEqual({
      ok: false,
      error: 'Null characters are not allowed.',
    });
  });
});

test('file and image fields are not read here: undefined means unchanged', () => {
  expect(parse(sample('attachment'), 'whatever')).toEqual({ ok: true, value: undefined });
  expect(parse(sample('photo'), undefined)).toEqual({ ok: true, value: undefined });
  expect(parse(post('cover'), '')).toEqual({ ok: true, value: undefined });
});

describe('formatFieldValue', () => {
  const format = (field: AdminField, value: unknown) => formatFieldValue(field, value, moscow);

  test('null and undefined are empty', () => {
    expect(format(post('publishedAt'), null)).toBe('');
    expect(format(post('title'), undefined)).toBe('');
  });

  test('date-times in the zone, as datetime-local takes them', () => {
    expect(format(post('publishedAt'), new Date('2024-07-01T09:00:00Z'))).toBe('2024-07-01T12:00');
    expect(format(post('publishedAt'), new Date('2024-07-01T09:00:05.250Z'))).toBe('2024-07-01T12:00:05');
    expect(format(sample('stamp'), '2024-07-01 09:00:00+00')).toBe('2024-07-01T12:00');
    expect(format(sample('stamp'), '2024-07-01 09:00:00.123456+03')).toBe('2024-07-01T09:00');
  });

  test('dates, booleans, numbers, choices, ids', () => {
    expect(format(fieldOf(experience, 'startDate'), '2024-02-29')).toBe('2024-02-29');
    expect(format(sample('day'), new Date('2024-03-10T00:00:00Z'))).toBe('2024-03-10');
    expect(format(sample('active'), true)).toBe('true');
    expect(format(sample('reviewed'), false)).toBe('false');
    expect(format(fieldOf(skills, 'level'), '7.5')).toBe('7.5');
    expect(format(post('readingMinutes'), 3)).toBe('3');
    expect(format(post('status'), 'draft')).toBe('draft');
    expect(format(post('categoryId'), 7)).toBe('7');
  });

  test('JSON pretty-printed with two spaces', () => {
    expect(format(post('extra'), { a: [1, 2], b: 'x' })).toBe(
      '{\n  "a": [\n    1,\n    2\n  ],\n  "b": "x"\n}',
    );
    expect(format(post('extra'), {})).toBe('{}');
  });

  test('files cannot pre-fill an input', () => {
    expect(
      format(post('cover'), {
        name: 'uploads/a.png',
        originalName: 'a.png',
        size: 1,
        contentType: 'image/png',
      }),
    ).toBe('');
  });

  test('what parseFieldValue reads back is the same value', () => {
    const cases: [AdminField, unknown][] = [
      [post('publishedAt'), new Date('2024-03-10T07:30:00Z')],
      [post('title'), 'A title'],
      [post('readingMinutes'), 12],
      [fieldOf(skills, 'level'), '9.5'],
      [post('extra'), { nested: { list: [1, 'two', null] } }],
      [sample('active'), true],
      [sample('reviewed'), false],
      [post('status'), 'published'],
      [fieldOf(experience, 'startDate'), '2020-01-31'],
    ];
    for (const [field, value] of cases) {
      expect(parse(field, format(field, value))).toEqual({ ok: true, value });
    }
  });
});

describe('displayValue', () => {
  const display = (field: AdminField, value: unknown) => displayValue(field, value, moscow);

  test("null is Django's empty_value_display", () => {
    expect(display(post('publishedAt'), null)).toBe('-');
    expect(display(post('summary'), '')).toBe('-');
    expect(display(sample('reviewed'), null)).toBe('-');
    expect(display(post('cover'), null)).toBe('-');
  });

  test('date-times in the zone without seconds', () => {
    expect(display(post('publishedAt'), new Date('2024-07-01T09:00:59Z'))).toBe('2024-07-01 12:00');
    expect(
      displayValue(post('publishedAt'), new Date('2024-11-03T06:30:00Z'), { timeZone: 'America/New_York' }),
    ).toBe('2024-11-03 01:30');
  });

  test('booleans Yes/No, choices by label, JSON compact', () => {
    expect(display(sample('active'), true)).toBe('Yes');
    expect(display(sample('active'), false)).toBe('No');
    expect(display(post('status'), 'published')).toBe('Published');
    expect(display(post('status'), 'gone')).toBe('gone');
    expect(display(post('extra'), { a: 1 })).toBe('{"a":1}');
    expect(display(fieldOf(experience, 'endDate'), '2021-06-30')).toBe('2021-06-30');
    expect(display(post('title'), 'A <b>title</b>')).toBe('A <b>title</b>');
  });

  test('files by their original name', () => {
    const image: StoredImage = {
      name: 'uploads/2026/11/3f9a.png',
      originalName: 'holiday.png',
      size: 10,
      contentType: 'image/png',
      width: 2,
      height: 2,
    };
    expect(display(post('cover'), image)).toBe('holiday.png');
    expect(display(sample('attachment'), { ...image, originalName: '' })).toBe('uploads/2026/11/3f9a.png');
  });
});
