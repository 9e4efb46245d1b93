import { describe, expect, it } from 'vitest';
import { BoundedMemo } from './bounded-memo.js';

describe('BoundedMemo', () => {
  it('works an answer out once per key, null answers included', () => {
    const seen: string[] = [];
    const memo = new BoundedMemo((key) => {
      seen.push(key);
      return key === 'none' ? null : key.length;
    });
    expect([memo.get('abc'), memo.get('abc'), memo.get('none'), memo.get('none')]).toEqual([
      3,
      3,
      null,
      null,
    ]);
    expect(seen).toEqual(['abc', 'none']);
  });

  it('keeps neither long keys nor more than its bound', () => {
    let calls = 0;
    const memo = new BoundedMemo(
      (key) => {
        calls++;
        return key;
      },
      3,
      10,
    );
    const long = 'x'.repeat(11);
    memo.get(long);
    memo.get(long);
    expect(calls).toBe(2);
    for (const key of ['a', 'b', 'c', 'd']) memo.get(key); // 'd' starts it over
    calls = 0;
    memo.get('d');
    memo.get('a');
    expect(calls).toBe(1);
  });
});
