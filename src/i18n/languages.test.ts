import { describe, expect, it } from 'vitest';
import { fromAcceptLanguage, matchLanguage, negotiateLanguage, normaliseTag } from './languages.js';

const ENABLED = ['ru', 'en'];

describe('language tags', () => {
  it('accepts tags and refuses anything else', () => {
    expect(normaliseTag('ru-RU')).toBe('ru-ru');
    expect(normaliseTag(' en ')).toBe('en');
    expect(normaliseTag('ru_RU')).toBeNull();
    expect(normaliseTag('<script>')).toBeNull();
    expect(normaliseTag('')).toBeNull();
  });

  it('matches a regional tag to its enabled base language', () => {
    expect(matchLanguage('ru-RU', ENABLED)).toBe('ru');
    expect(matchLanguage('EN-gb', ENABLED)).toBe('en');
    expect(matchLanguage('de', ENABLED)).toBeNull();
  });
});

describe('Accept-Language', () => {
  it('takes the highest weight among enabled languages', () => {
    expect(fromAcceptLanguage('de-DE,de;q=0.9,ru;q=0.8,en;q=0.7', ENABLED)).toBe('ru');
    expect(fromAcceptLanguage('en-US,en;q=0.9,ru;q=0.95', ENABLED)).toBe('en');
    expect(fromAcceptLanguage('ru;q=0.5, en;q=0.6', ENABLED)).toBe('en');
  });

  it('keeps the header order between equal weights, ignores q=0, * and junk', () => {
    expect(fromAcceptLanguage('ru, en', ENABLED)).toBe('ru');
    expect(fromAcceptLanguage('en, ru', ENABLED)).toBe('en');
    expect(fromAcceptLanguage('ru;q=0, en;q=0.1', ENABLED)).toBe('en');
    expect(fromAcceptLanguage('*', ENABLED)).toBeNull();
    expect(fromAcceptLanguage('fr, de', ENABLED)).toBeNull();
    expect(fromAcceptLanguage(';;;,==,q=,ru;q=abc', ENABLED)).toBeNull();
    expect(fromAcceptLanguage(undefined, ENABLED)).toBeNull();
  });

  it('reads at most 20 entries of a long header', () => {
    const header = `${Array.from({ length: 5000 }, () => 'xx').join(',')},ru`;
    expect(fromAcceptLanguage(header, ENABLED)).toBeNull();
  });
});

describe('negotiation order', () => {
  it('prefix, then cookie, then Accept-Language, then the default', () => {
    const all = { prefix: 'en', cookie: 'ru', acceptLanguage: 'en' };
    expect(negotiateLanguage(all, ENABLED, 'ru')).toBe('en');
    expect(negotiateLanguage({ cookie: 'ru', acceptLanguage: 'en' }, ENABLED, 'en')).toBe('ru');
    expect(negotiateLanguage({ acceptLanguage: 'en-GB' }, ENABLED, 'ru')).toBe('en');
    expect(negotiateLanguage({}, ENABLED, 'ru')).toBe('ru');
  });

  it('skips a source naming a language that is not enabled', () => {
    expect(negotiateLanguage({ cookie: 'de', acceptLanguage: 'en' }, ENABLED, 'ru')).toBe('en');
    expect(negotiateLanguage({ prefix: 'fr', cookie: 'x y' }, ENABLED, 'ru')).toBe('ru');
  });
});
