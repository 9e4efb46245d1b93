import { describe, expect, it } from 'vitest';
import {
  commonPasswordCount,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  passwordHelp,
  similarityRatio,
  validatePassword,
} from './validators.js';

const GOOD = 'vK8#qTz2!mWp9xLr';
const TOO_SHORT = `This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`;
const TOO_COMMON = 'This password is too common.';
const NUMERIC = 'This password is entirely numeric.';

describe('validatePassword', () => {
  it('accepts a long random-looking password', () => {
    expect(validatePassword(GOOD)).toEqual([]);
    expect(
      validatePassword(GOOD, {
        username: 'alicesmith',
        email: 'alice@example.com',
        firstName: 'Alice',
        lastName: 'Smith',
      }),
    ).toEqual([]);
  });

  it('enforces the minimum length', () => {
    expect(validatePassword('Xq7!vB2#pL9')).toEqual([TOO_SHORT]); // 11 chars
    expect(validatePassword('Xq7!vB2#pL9z')).toEqual([]); // 12 chars
    expect(validatePassword('')).toContain(TOO_SHORT);
    // Characters, not UTF-16 units: 11 emoji are 22 units but still too short.
    expect(validatePassword('🔑'.repeat(11))).toEqual([TOO_SHORT]);
  });

  it('enforces the maximum length', () => {
    const tooLong = validatePassword('xK9!'.repeat(1025)); // 4100 chars
    expect(tooLong).toEqual([
      `This password is too long. It must contain at most ${MAX_PASSWORD_LENGTH} characters.`,
    ]);
    expect(validatePassword('x'.repeat(MAX_PASSWORD_LENGTH))).toEqual([]);
    expect(validatePassword('x'.repeat(1_000_000)).length).toBe(1);
  });

  it('rejects common passwords, case-insensitively and after trimming', () => {
    expect(validatePassword('qwertyuiop12')).toContain(TOO_COMMON);
    expect(validatePassword('  QwertyUIOP12 ')).toContain(TOO_COMMON);
    expect(validatePassword('password')).toEqual([TOO_SHORT, TOO_COMMON]);
  });

  it('rejects entirely numeric passwords', () => {
    expect(validatePassword('839201746392')).toContain(NUMERIC);
    expect(validatePassword('839201746392a')).not.toContain(NUMERIC);
  });

  it('rejects passwords similar to the username', () => {
    expect(validatePassword('alicesmith1234567', { username: 'alicesmith' })).toEqual([
      'The password is too similar to the username.',
    ]);
    expect(validatePassword('AliceSmith1234567', { username: 'AliceSmith' })).toEqual([
      'The password is too similar to the username.',
    ]);
  });

  it('checks parts of attributes split on non-word characters', () => {
    // Whole value "jonathan.d.weatherby" is too different, the part "weatherby" is not.
    expect(validatePassword('weatherby!2024', { username: 'jonathan.d.weatherby' })).toEqual([
      'The password is too similar to the username.',
    ]);
  });

  it('rejects passwords similar to the email address or its local part', () => {
    expect(validatePassword('j.doe@example.org', { email: 'j.doe@example.org' })).toEqual([
      'The password is too similar to the email address.',
    ]);
    expect(validatePassword('janedoe.smith!', { email: 'janedoe.smith@example.org' })).toEqual([
      'The password is too similar to the email address.',
    ]);
  });

  it('rejects passwords similar to first and last names', () => {
    expect(validatePassword('Maximiliana#1', { firstName: 'Maximiliana' })).toEqual([
      'The password is too similar to the first name.',
    ]);
    expect(validatePassword('Featherstonehaugh', { lastName: 'Featherstonehaugh' })).toEqual([
      'The password is too similar to the last name.',
    ]);
  });

  it('ignores short attribute parts and unrelated attributes', () => {
    expect(validatePassword(GOOD, { username: 'vk', firstName: '', lastName: undefined })).toEqual([]);
  });

  it('can report several problems at once', () => {
    expect(validatePassword('12345', { username: '12345' })).toEqual([
      TOO_SHORT,
      'The password is too similar to the username.',
      TOO_COMMON,
      NUMERIC,
    ]);
  });
});

describe('similarityRatio', () => {
  // Expected values from Python: difflib.SequenceMatcher(None, a, b).ratio()
  const cases: Array<[string, string, number]> = [
    ['abcd', 'bcde', 0.75],
    ['johnsmith1234567', 'johnsmith', 0.72],
    ['private volume', 'pirate', 0.5],
    ['qabxcd', 'abycdf', 0.6666666666666666],
    ['correct horse battery staple', 'horse', 0.30303030303030304],
    ['tEsTaBcD', 'testabcd', 0.5],
    ['abcabcabc', 'cba', 0.16666666666666666],
    ['alicesmith1234567', 'alicesmith', 0.7407407407407407],
    ['xyzabcxyzabc', 'abcxyz', 0.6666666666666666],
    ['aaabbbaaa', 'ab', 0.36363636363636365],
    ['the quick brown fox', 'quick fox brown', 0.6470588235294118],
    ['', '', 1],
  ];
  it.each(cases)('ratio(%j, %j) = %d', (a, b, expected) => {
    expect(similarityRatio(a, b)).toBeCloseTo(expected, 12);
  });
});

describe('common password list', () => {
  it('is loaded and large', () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(20_000);
  });
});

describe('passwordHelp', () => {
  it('has a help text per rule', () => {
    expect(passwordHelp().length).toBeGreaterThanOrEqual(4);
    expect(passwordHelp().join(' ')).toContain(String(MIN_PASSWORD_LENGTH));
  });
});

describe('in Russian', () => {
  it('words every rule in the language asked for, with the right plural form', () => {
    expect(validatePassword('password', {}, 'ru')).toEqual([
      'Пароль слишком короткий. Он должен содержать не менее 12 символов.',
      'Этот пароль слишком распространён.',
    ]);
    expect(validatePassword('839201746392', {}, 'ru')).toEqual(['Пароль состоит только из цифр.']);
    expect(validatePassword('Featherstonehaugh', { lastName: 'Featherstonehaugh' }, 'ru')).toEqual([
      'Пароль слишком похож на фамилию.',
    ]);
    expect(passwordHelp('ru')[1]).toBe('Пароль должен содержать не менее 12 символов.');
  });
});
