import { describe, expect, it } from 'vitest';
import { entriesOf, formatQuery, QueryLinks } from './params.js';

describe('change list query strings', () => {
  it('flatten repeated parameters in request order and skip undefined ones', () => {
    expect(entriesOf({ q: 'a b', status: ['draft', 'published'], x: undefined, o: '1' })).toEqual([
      ['q', 'a b'],
      ['status', 'draft'],
      ['status', 'published'],
      ['o', '1'],
    ]);
  });

  it('are encoded, and `?` alone when empty', () => {
    expect(formatQuery([['q', 'a&b=c d%']])).toBe('?q=a%26b%3Dc%20d%25');
    expect(formatQuery([])).toBe('?');
  });

  it('replace a parameter in place, append new ones, and go back to page 1 without _count', () => {
    const links = new QueryLinks([
      ['q', 'x'],
      ['status', 'draft'],
      ['p', '3'],
      ['_count', 'exact'],
      ['o', '2'],
    ]);
    expect(links.with({ status: 'published' })).toBe('?q=x&status=published&o=2');
    expect(links.with({ status: null, categoryId: ['1', '2'] })).toBe('?q=x&o=2&categoryId=1&categoryId=2');
    expect(links.without('q')).toBe('?status=draft&o=2');
  });

  it('keep _count when only the page changes', () => {
    const links = new QueryLinks([
      ['p', '3'],
      ['_count', 'exact'],
    ]);
    expect(links.with({ p: '4' })).toBe('?p=4&_count=exact');
    expect(links.without('p')).toBe('?_count=exact');
    expect(links.except('p')).toEqual([['_count', 'exact']]);
  });
});
