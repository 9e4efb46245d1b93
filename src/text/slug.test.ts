import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../project-root.js';
import { SLUG_PATTERN, slugify, TRANSLITERATION, uniqueSlug } from './slug.js';

describe('slugify', () => {
  it.each([
    ['Привет, мир', 'privet-mir'],
    ['Щука, ёж и объявление', 'shchuka-ezh-i-obyavlenie'],
    ['Юрий и Яна: чай в 5', 'yuriy-i-yana-chay-v-5'],
    ['Café déjà vu', 'cafe-deja-vu'],
    ['  --Hello___World!!  ', 'hello-world'],
    ['Київ', 'kiyiv'],
    ['日本語', ''],
    ['', ''],
  ])('%j → %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
    if (slug) expect(slug).toMatch(SLUG_PATTERN);
  });

  it('cuts long titles at a hyphen within the limit', () => {
    const slug = slugify('очень длинный заголовок '.repeat(20), 50);
    expect(slug.length).toBeLessThanOrEqual(50);
    expect(slug).toMatch(SLUG_PATTERN);
    expect(slug.endsWith('zagolovok') || slug.endsWith('dlinnyy') || slug.endsWith('ochen')).toBe(true);
  });
});

describe('uniqueSlug', () => {
  it('adds -2, -3… past the ones taken, within the length', () => {
    expect(uniqueSlug('a', new Set())).toBe('a');
    expect(uniqueSlug('a', new Set(['a']))).toBe('a-2');
    expect(uniqueSlug('a', new Set(['a', 'a-2', 'a-3']))).toBe('a-4');
    expect(uniqueSlug('abcdef', new Set(['abcdef']), 6)).toBe('abcd-2');
  });
});

describe("the admin script's slug rule", () => {
  const script = readFileSync(join(projectRoot(), 'src/contrib/admin/static/admin/js/admin.js'), 'utf8');

  it('has the same transliteration table as the server', () => {
    const literal = /const TRANSLITERATION = (\{[^}]*\});/.exec(script)?.[1];
    expect(literal).toBeDefined();
    expect(runInNewContext(`(${literal})`)).toEqual({ ...TRANSLITERATION });
  });

  it('makes the same slugs as the server', () => {
    const source = /const slugify = \(text, maxLength\) => \{[\s\S]*?\n {2}\};/.exec(script)?.[0];
    const table = /const TRANSLITERATION = (\{[^}]*\});/.exec(script)?.[0];
    expect(source).toBeDefined();
    const browserSlugify = runInNewContext(`${table}\n${source}\nslugify`) as (
      t: string,
      m: number,
    ) => string;
    for (const title of [
      'Привет, мир',
      'Щука, ёж и объявление',
      'Café déjà vu',
      'очень длинный заголовок '.repeat(20),
    ])
      expect(browserSlugify(title, 200)).toBe(slugify(title, 200));
  });
});
