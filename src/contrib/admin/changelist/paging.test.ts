import { describe, expect, it } from 'vitest';
import { pageRange } from './paging.js';

const show = (pages: (number | null)[]) => pages.map((page) => page ?? '…').join(' ');

describe('page links', () => {
  it('list every page when there are few', () => {
    expect(show(pageRange(1, 1, false))).toBe('1');
    expect(show(pageRange(4, 7, true))).toBe('1 2 3 4 5 6 7');
  });

  it('elide the middle of long runs, two pages either side, one at each end', () => {
    expect(show(pageRange(6, 50, true))).toBe('1 … 4 5 6 7 8 … 50');
    expect(show(pageRange(1, 50, true))).toBe('1 2 3 … 50');
    expect(show(pageRange(50, 50, false))).toBe('1 … 48 49 50');
    expect(show(pageRange(45, 50, true))).toBe('1 … 43 44 45 46 47 … 50');
  });

  it('never hide a single page behind a gap', () => {
    expect(show(pageRange(5, 50, true))).toBe('1 2 3 4 5 6 7 … 50');
    expect(show(pageRange(46, 50, true))).toBe('1 … 44 45 46 47 48 49 50');
  });

  it('end after the next page when the page count is unknown', () => {
    expect(show(pageRange(1, null, true))).toBe('1 2 …');
    expect(show(pageRange(9, null, true))).toBe('1 … 7 8 9 10 …');
    expect(show(pageRange(9, null, false))).toBe('1 … 7 8 9');
  });
});
