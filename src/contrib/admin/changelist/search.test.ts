import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { posts } from '../../../apps/blog/schema.js';
import { fieldsOf } from '../fields.js';
import { escapeLike, parseSearchTerms, searchCondition } from './search.js';

describe('search terms', () => {
  it('split on any whitespace', () => {
    expect(parseSearchTerms('  foo\tbar\n baz  ')).toEqual(['foo', 'bar', 'baz']);
    expect(parseSearchTerms('')).toEqual([]);
    expect(parseSearchTerms(' \t ')).toEqual([]);
  });

  it('keep a double-quoted phrase whole, without its quotes', () => {
    expect(parseSearchTerms('"hello world" foo')).toEqual(['hello world', 'foo']);
    expect(parseSearchTerms('foo "a  b"bar')).toEqual(['foo', 'a  bbar']);
    expect(parseSearchTerms('"  spaced  "')).toEqual(['  spaced  ']);
  });

  it('read \\" and \\\\ inside quotes; keep backslashes elsewhere', () => {
    expect(parseSearchTerms('"say \\"hi\\"" x')).toEqual(['say "hi"', 'x']);
    expect(parseSearchTerms('"a\\\\b"')).toEqual(['a\\b']);
    expect(parseSearchTerms('C:\\temp')).toEqual(['C:\\temp']);
  });

  it('treat an unclosed quote as a character, and drop empty phrases and NUL', () => {
    expect(parseSearchTerms('5" screen')).toEqual(['5"', 'screen']);
    expect(parseSearchTerms('"open phrase')).toEqual(['"open', 'phrase']);
    expect(parseSearchTerms('"" x ""')).toEqual(['x']);
    expect(parseSearchTerms('a\u0000b \u0000')).toEqual(['ab']);
  });
});

describe('LIKE escaping', () => {
  it('escapes %, _ and the backslash, nothing else', () => {
    expect(escapeLike('100%')).toBe('100\\%');
    expect(escapeLike('a_b')).toBe('a\\_b');
    expect(escapeLike('back\\slash')).toBe('back\\\\slash');
    expect(escapeLike("it's [x] *")).toBe("it's [x] *");
  });
});

describe('search condition', () => {
  const fields = fieldsOf(posts);
  const field = (key: string) => fields.find((candidate) => candidate.key === key)!;
  const dialect = new PgDialect();

  it('is an AND of ORs with the terms bound as parameters; enum fields cast to text', () => {
    const condition = searchCondition([field('title'), field('status')], ['100%', "x'; drop"]);
    const query = dialect.sqlToQuery(condition!);
    expect(query.sql).toBe(
      '(("blog_post"."title" ILIKE $1 or "blog_post"."status"::text ILIKE $2) and ("blog_post"."title" ILIKE $3 or "blog_post"."status"::text ILIKE $4))',
    );
    expect(query.params).toEqual(['%100\\%%', '%100\\%%', "%x'; drop%", "%x'; drop%"]);
  });

  it('is undefined without terms or fields', () => {
    expect(searchCondition([field('title')], [])).toBeUndefined();
    expect(searchCondition([], ['x'])).toBeUndefined();
  });
});
