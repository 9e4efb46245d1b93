/**
 * Password strength rules, modelled on Django's default AUTH_PASSWORD_VALIDATORS
 * (minimum length, common passwords, similarity to user attributes, numeric-only)
 * plus an upper bound on length.
 */
import { createRequire } from 'node:module';
import { translator } from '../../../i18n/messages.js';
import { authMessages } from '../messages.js';

/** Minimum password length in characters (code points). */
export const MIN_PASSWORD_LENGTH = 12;
/** Maximum password length; keeps hashing and similarity checks bounded. */
export const MAX_PASSWORD_LENGTH = 4096;
/** Similarity ratio at or above which a password is rejected (Django's default). */
export const MAX_SIMILARITY = 0.7;
// Attribute fragments shorter than this ("jo", "de") match too much by chance.
const MIN_ATTRIBUTE_PART_LENGTH = 3;

/** User attributes a password must not resemble. */
// `| undefined` is explicit so callers can pass optional user fields straight
// through under `exactOptionalPropertyTypes`.
export type PasswordContext = {
  username?: string | undefined;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
};

const ATTRIBUTES: ReadonlyArray<keyof PasswordContext> = ['username', 'email', 'firstName', 'lastName'];

/** Short, user-facing descriptions of the rules, for password forms, in `language`. */
export function passwordHelp(language = 'en'): string[] {
  const t = translator(authMessages, language);
  return [
    t('password.helpSimilar'),
    t('password.helpLength', { min: MIN_PASSWORD_LENGTH }),
    t('password.helpCommon'),
    t('password.helpNumeric'),
  ];
}

let commonPasswords: Set<string> | undefined;
// Loaded on first use, not at import: 49,000 strings are parse time every worker boot would pay.
// The package has no exports map, so its CommonJS data file can be required directly (version pinned).
const requireData = createRequire(import.meta.url);
const COMMON_LIST = '@zxcvbn-ts/language-common/dist/passwords.json.cjs';

// Built on first use: ~49k entries is a noticeable allocation we don't want
// in processes that never validate a password.
function getCommonPasswords(): Set<string> {
  if (!commonPasswords) {
    commonPasswords = new Set((requireData(COMMON_LIST) as string[]).map((p) => p.trim().toLowerCase()));
  }
  return commonPasswords;
}

/** Number of distinct entries in the common-password list (for sanity checks). */
export function commonPasswordCount(): number {
  return getCommonPasswords().size;
}

/**
 * Validates a candidate password. Returns human-readable error messages in `language`;
 * an empty array means the password is acceptable.
 */
export function validatePassword(password: string, context: PasswordContext = {}, language = 'en'): string[] {
  const t = translator(authMessages, language);
  const errors: string[] = [];
  const length = codePointLength(password, MAX_PASSWORD_LENGTH + 1);

  if (length < MIN_PASSWORD_LENGTH) {
    errors.push(t('password.tooShort', { min: MIN_PASSWORD_LENGTH }));
  }
  const tooLong = length > MAX_PASSWORD_LENGTH;
  if (tooLong) {
    errors.push(t('password.tooLong', { max: MAX_PASSWORD_LENGTH }));
  }

  // Similarity is quadratic in the lengths, so skip it for oversized input;
  // the password is rejected anyway.
  if (!tooLong) {
    for (const attribute of similarAttributes(password, context))
      errors.push(t('password.similar', { attribute }));
  }

  if (getCommonPasswords().has(password.trim().toLowerCase())) {
    errors.push(t('password.common'));
  }
  if (/^\p{Nd}+$/u.test(password)) {
    errors.push(t('password.numeric'));
  }
  return errors;
}

// Counts code points (what a user thinks of as characters, roughly, and what
// Python's len() counts) but stops once `limit` is reached.
function codePointLength(text: string, limit: number): number {
  // Each code point is one or two UTF-16 units, so this bounds the answer.
  if (text.length >= limit * 2) return limit;
  let count = 0;
  for (const _ of text) {
    if (++count >= limit) break;
  }
  return count;
}

/** The attributes the password is too similar to. */
function similarAttributes(password: string, context: PasswordContext): (keyof PasswordContext)[] {
  const similar: (keyof PasswordContext)[] = [];
  const pw = Array.from(password.toLowerCase());
  for (const key of ATTRIBUTES) {
    const value = context[key];
    if (typeof value !== 'string' || value.length === 0) continue;
    const lower = value.toLowerCase();
    const candidates = new Set<string>([lower, ...lower.split(/[^\p{L}\p{N}\p{M}_]+/u)]);
    // For "jane.doe@example.com" the local part "jane.doe" is what users reuse.
    if (key === 'email' && lower.includes('@')) candidates.add(lower.slice(0, lower.lastIndexOf('@')));
    for (const candidate of candidates) {
      const part = Array.from(candidate);
      if (part.length < MIN_ATTRIBUTE_PART_LENGTH) continue;
      if (isTooSimilar(pw, part)) {
        similar.push(key);
        break;
      }
    }
  }
  return similar;
}

function isTooSimilar(password: readonly string[], part: readonly string[]): boolean {
  const total = password.length + part.length;
  // Cheap upper bounds first; the exact ratio is only computed when they pass.
  if ((2 * Math.min(password.length, part.length)) / total < MAX_SIMILARITY) return false;
  if (quickRatio(password, part) < MAX_SIMILARITY) return false;
  return ratioOf(password, part) >= MAX_SIMILARITY;
}

/**
 * Similarity of two strings in [0, 1], computed like Python's
 * `difflib.SequenceMatcher(None, a, b).ratio()` (without the autojunk heuristic):
 * 2*M/T, where M is the number of characters in matching blocks.
 */
export function similarityRatio(a: string, b: string): number {
  return ratioOf(Array.from(a), Array.from(b));
}

function ratioOf(a: readonly string[], b: readonly string[]): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  return (2 * matchedCharacters(a, b)) / total;
}

// Upper bound on ratio(): counts shared characters regardless of order
// (difflib's quick_ratio).
function quickRatio(a: readonly string[], b: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const ch of b) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let matches = 0;
  for (const ch of a) {
    const n = counts.get(ch) ?? 0;
    if (n > 0) {
      matches++;
      counts.set(ch, n - 1);
    }
  }
  return (2 * matches) / (a.length + b.length);
}

// Sum of the sizes of difflib's matching blocks: take the longest common
// substring, then recurse on the pieces to its left and to its right.
// An explicit stack avoids deep recursion on long inputs.
function matchedCharacters(a: readonly string[], b: readonly string[]): number {
  let matched = 0;
  const stack: Array<[number, number, number, number]> = [[0, a.length, 0, b.length]];
  while (stack.length > 0) {
    const [alo, ahi, blo, bhi] = stack.pop() as [number, number, number, number];
    const [i, j, size] = longestMatch(a, alo, ahi, b, blo, bhi);
    if (size === 0) continue;
    matched += size;
    if (alo < i && blo < j) stack.push([alo, i, blo, j]);
    if (i + size < ahi && j + size < bhi) stack.push([i + size, ahi, j + size, bhi]);
  }
  return matched;
}

// Longest common substring of a[alo:ahi] and b[blo:bhi]. Ties go to the match
// starting earliest in a, then earliest in b, as in difflib.find_longest_match.
function longestMatch(
  a: readonly string[],
  alo: number,
  ahi: number,
  b: readonly string[],
  blo: number,
  bhi: number,
): [number, number, number] {
  const width = bhi - blo;
  // prev[k] / curr[k]: length of the common suffix ending at a[i-1|i], b[blo+k].
  let prev = new Int32Array(width);
  let curr = new Int32Array(width);
  let bestI = alo;
  let bestJ = blo;
  let bestSize = 0;
  for (let i = alo; i < ahi; i++) {
    for (let k = 0; k < width; k++) {
      if (a[i] === b[blo + k]) {
        const len = k > 0 ? (prev[k - 1] as number) + 1 : 1;
        curr[k] = len;
        // Strictly greater keeps the earliest start in a; for equal starts in a
        // (same i - len), scanning k upwards keeps the earliest start in b.
        if (len > bestSize) {
          bestSize = len;
          bestI = i - len + 1;
          bestJ = blo + k - len + 1;
        }
      } else {
        curr[k] = 0;
      }
    }
    [prev, curr] = [curr, prev];
  }
  return [bestI, bestJ, bestSize];
}
