import { describe, expect, it } from 'vitest';
import { languageAlternates, localizedPath, withoutLanguagePrefix } from './language-urls.js';

describe('language URLs', () => {
  const on = { languages: ['ru', 'en'], languageUrlPrefixes: true };

  it('alternates: each language in LANGUAGES order, then x-default; absolute with an origin', () => {
    expect(languageAlternates('/blog/?page=2', on)).toEqual([
      { hreflang: 'ru', href: '/ru/blog/?page=2' },
      { hreflang: 'en', href: '/en/blog/?page=2' },
      { hreflang: 'x-default', href: '/blog/?page=2' },
    ]);
    expect(languageAlternates('/', on, 'https://example.com').map((a) => a.href)).toEqual([
      'https://example.com/ru/',
      'https://example.com/en/',
      'https://example.com/',
    ]);
  });

  it('alternates: none with prefixes off', () => {
    expect(languageAlternates('/blog/', { ...on, languageUrlPrefixes: false })).toEqual([]);
  });

  it('a link keeps the page prefix, and is unchanged on a page without one', () => {
    expect(localizedPath({ urlLanguage: 'ru' }, '/blog/?tag=x')).toBe('/ru/blog/?tag=x');
    expect(localizedPath({ urlLanguage: null }, '/blog/?tag=x')).toBe('/blog/?tag=x');
  });

  it('drops the first segment of a prefixed URL, escaped or not', () => {
    expect(withoutLanguagePrefix('/ru/blog/?page=2')).toBe('/blog/?page=2');
    expect(withoutLanguagePrefix('/ru/')).toBe('/');
    expect(withoutLanguagePrefix('/ru/?q=/x')).toBe('/?q=/x');
    expect(withoutLanguagePrefix('/%72u/resume/')).toBe('/resume/');
  });
});
