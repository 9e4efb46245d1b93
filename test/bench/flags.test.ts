/** The bench's command line: the baseline's renderer is a yardstick, so it must not leak into the record. */
import { describe, expect, it } from 'vitest';
import { type Flags, parseFlags, UsageError } from '../../bench/flags.js';

const parse = (...args: string[]) => parseFlags(args) as Flags;

describe('bench flags', () => {
  it('compares with the template baseline unless told otherwise', () => {
    expect(parse().baselineRenderer).toBe('template');
    expect(parse('--baseline-renderer', 'tsx').baselineRenderer).toBe('tsx');
  });

  it('refuses an unknown renderer', () => {
    expect(() => parse('--baseline-renderer', 'jinja')).toThrow(UsageError);
  });

  it('neither records nor guards a run against the TSX baseline', () => {
    expect(() => parse('--baseline-renderer', 'tsx', '--record')).toThrow(/cannot be recorded/);
    expect(() => parse('--baseline-renderer', 'tsx', '--quick')).toThrow(/cannot be recorded/);
    expect(parse('--record').record).toBe(true);
  });
});
