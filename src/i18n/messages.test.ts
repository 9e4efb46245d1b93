import { describe, expect, it } from 'vitest';
import { checkCatalogues } from './check.js';
import { defineMessages, translator } from './messages.js';

const records = defineMessages('test', {
  en: {
    count: '{count, plural, one {# record} other {# records}}',
    hello: 'Hello, {name}!',
  },
  ru: {
    count: '{count, plural, one {# запись} few {# записи} many {# записей} other {# записи}}',
    hello: 'Здравствуйте, {name}!',
  },
});

describe('messages', () => {
  it('uses the right Russian plural form for 0, 1, 2, 5, 11, 21, 22, 25, 101', () => {
    const t = translator(records, 'ru');
    const forms = [0, 1, 2, 5, 11, 21, 22, 25, 101].map((count) => t('count', { count }));
    expect(forms).toEqual([
      '0 записей',
      '1 запись',
      '2 записи',
      '5 записей',
      '11 записей',
      '21 запись',
      '22 записи',
      '25 записей',
      '101 запись',
    ]);
  });

  it('uses the English forms, and regional tags find their base catalogue', () => {
    const t = translator(records, 'en-us');
    expect([0, 1, 2, 21].map((count) => t('count', { count }))).toEqual([
      '0 records',
      '1 record',
      '2 records',
      '21 records',
    ]);
    expect(translator(records, 'ru-RU')('hello', { name: 'Аня' })).toBe('Здравствуйте, Аня!');
  });

  it('falls back to the source for a language without a catalogue', () => {
    expect(translator(records, 'de')('hello', { name: 'Ute' })).toBe('Hello, Ute!');
  });

  it('leaves markup-looking text alone (escaping is the page renderer’s job)', () => {
    const markup = defineMessages('markup', { en: { m: 'Use <b>{x}</b>' } });
    expect(translator(markup, 'en')('m', { x: '<i>' })).toBe('Use <b><i></b>');
  });
});

describe('catalogue check', () => {
  it('passes good catalogues', () => {
    expect(checkCatalogues([records], ['ru', 'en'])).toEqual([]);
  });

  it('finds missing and extra ids, unknown placeholders, syntax errors and missing languages', () => {
    const broken = {
      domain: 'broken',
      catalogues: {
        en: { a: 'Hi {name}', b: '{n, plural, one {# x} other {# xs}}', c: 'C' },
        ru: { a: 'Привет {nmae}', b: '{n, plural, one {# x}}', extra: 'E' },
      },
    };
    const problems = checkCatalogues([broken], ['ru', 'en', 'de']);
    expect(problems).toEqual(
      expect.arrayContaining([
        'broken ru: "c" is missing',
        'broken ru: "extra" is not in the en source',
        'broken ru: "a" uses {nmae}, which the source does not have',
        expect.stringMatching(/^broken ru: "b" does not parse/),
        'broken: no de catalogue',
      ]),
    );
    expect(problems).toHaveLength(5);
  });
});
