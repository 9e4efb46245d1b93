/**
 * Password hashing: argon2id for new hashes, plus read-only support for
 * Django's `pbkdf2_sha256` hashes so users imported from a Django database can
 * still log in (and get transparently upgraded via `needsRehash`).
 */
import { pbkdf2 as pbkdf2Callback, randomInt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Algorithm } from '@node-rs/argon2';

/**
 * The argon2 binding, loaded with the first password check or hash: a native module of about 10 MiB
 * that most workers of a site whose editors rarely log in never need.
 */
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const loadArgon2 = () => {
  argon2 ??= import('@node-rs/argon2');
  return argon2;
};

const pbkdf2 = promisify(pbkdf2Callback);

// `Algorithm` is declared as an ambient `const enum` by @node-rs/argon2 and the
// runtime export is an empty object. Bundlers/test runners that transpile file
// by file (esbuild, tsx, vitest) cannot inline it, so `Algorithm.Argon2id`
// would silently become `undefined` there. Pin the numeric value instead and
// keep the enum only as a type.
const ARGON2ID: Algorithm = 2;
// Same story for `Version.V0x13` (argon2 version 19), which is what we write.
const ARGON2_VERSION_0X13 = 1;
// The library's default output length; listed so a change is noticed by the
// rehash check rather than silently producing differently sized hashes.
const ARGON2_OUTPUT_LEN = 32;

/** Current argon2id parameters (OWASP: m=19 MiB, t=2, p=1). */
export const ARGON2_PARAMS = Object.freeze({
  algorithm: ARGON2ID,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: ARGON2_OUTPUT_LEN,
});

/** Django's marker for "no password can log in"; such values never verify. */
export const UNUSABLE_PASSWORD_PREFIX = '!';
// Django appends 40 random characters so unusable values are still unique.
const UNUSABLE_SUFFIX_LENGTH = 40;
const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const ARGON2ID_PREFIX = '$argon2id$';
const DJANGO_PBKDF2_ALGORITHM = 'pbkdf2_sha256';
// Django's pbkdf2_sha256 derives sha256-sized keys (dklen = digest size).
const DJANGO_PBKDF2_KEY_LENGTH = 32;
// The iteration count comes from stored data; cap it so a corrupted or
// malicious row cannot pin a CPU for minutes. Django's default is ~1M.
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;
const DECIMAL_RE = /^[0-9]+$/;

/** Result of checking a password against a stored hash. */
export type VerifyResult = { ok: boolean; needsRehash: boolean };

const NOT_OK: Readonly<VerifyResult> = Object.freeze({ ok: false, needsRehash: false });

/** Hashes a password with argon2id and the current parameters; returns the PHC string. */
export async function hashPassword(password: string): Promise<string> {
  const { hash } = await loadArgon2();
  return hash(password, {
    algorithm: ARGON2_PARAMS.algorithm,
    memoryCost: ARGON2_PARAMS.memoryCost,
    timeCost: ARGON2_PARAMS.timeCost,
    parallelism: ARGON2_PARAMS.parallelism,
    outputLen: ARGON2_PARAMS.outputLen,
  });
}

/**
 * Checks `password` against a stored hash (argon2id PHC or Django pbkdf2_sha256).
 * Never throws for bad input: unusable, empty or unknown formats give `{ok:false}`.
 * `needsRehash` is only set when `ok` is true (we need the plaintext to rehash).
 */
let checksMade = 0;

/**
 * How many password checks this process has made (verifyPassword and burnPasswordCheck): what the
 * throttling tests count, and a figure worth watching (each costs ~19 MiB and tens of milliseconds).
 */
export function passwordChecksMade(): number {
  return checksMade;
}

export async function verifyPassword(password: string, encoded: string): Promise<VerifyResult> {
  checksMade++;
  if (typeof password !== 'string' || typeof encoded !== 'string') return { ...NOT_OK };
  if (!isUsablePassword(encoded)) return { ...NOT_OK };
  try {
    if (encoded.startsWith(ARGON2ID_PREFIX)) return await verifyArgon2id(password, encoded);
    if (encoded.startsWith(`${DJANGO_PBKDF2_ALGORITHM}$`)) {
      // Legacy format: always upgrade to argon2id once we know the password.
      const ok = await verifyDjangoPbkdf2(password, encoded);
      return { ok, needsRehash: ok };
    }
  } catch {
    // Malformed hashes make the native verifier throw; treat as a mismatch
    // rather than surfacing a 500 from the login view.
  }
  return { ...NOT_OK };
}

async function verifyArgon2id(password: string, encoded: string): Promise<VerifyResult> {
  const { verify, parseOptions } = await loadArgon2();
  const ok = await verify(encoded, password);
  if (!ok) return { ...NOT_OK };
  return { ok, needsRehash: argon2NeedsRehash(encoded, parseOptions) };
}

function argon2NeedsRehash(
  encoded: string,
  parseOptions: typeof import('@node-rs/argon2')['parseOptions'],
): boolean {
  try {
    const params = parseOptions(encoded);
    return (
      params.algorithm !== ARGON2_PARAMS.algorithm ||
      params.version !== ARGON2_VERSION_0X13 ||
      params.memoryCost !== ARGON2_PARAMS.memoryCost ||
      params.timeCost !== ARGON2_PARAMS.timeCost ||
      params.parallelism !== ARGON2_PARAMS.parallelism ||
      params.outputLen !== ARGON2_PARAMS.outputLen
    );
  } catch {
    // It verified, so this is unlikely; if we cannot read it, replace it.
    return true;
  }
}

// Format: pbkdf2_sha256$<iterations>$<salt>$<base64(derived key)>
async function verifyDjangoPbkdf2(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 4) return false;
  const [algorithm, iterationsText, salt, hashB64] = parts as [string, string, string, string];
  if (algorithm !== DJANGO_PBKDF2_ALGORITHM) return false;
  // Strict decimal: Number() would also accept '1e6', ' 12', '0x10'.
  if (!DECIMAL_RE.test(iterationsText) || iterationsText.length > 9) return false;
  const iterations = Number(iterationsText);
  if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) return false;
  if (salt.length === 0) return false;
  // Buffer.from(..., 'base64') silently skips invalid characters, so validate first
  // or a tampered hash could decode to something unexpected.
  if (!BASE64_RE.test(hashB64)) return false;
  const expected = Buffer.from(hashB64, 'base64');
  if (expected.length !== DJANGO_PBKDF2_KEY_LENGTH) return false;
  // Django passes the salt through as a UTF-8 string, not base64-decoded bytes.
  const actual = await pbkdf2(
    password,
    Buffer.from(salt, 'utf8'),
    iterations,
    DJANGO_PBKDF2_KEY_LENGTH,
    'sha256',
  );
  return timingSafeEqual(actual, expected);
}

/** Returns a value that can be stored as a password hash but never verifies (Django-compatible). */
export function makeUnusablePassword(): string {
  let suffix = '';
  // randomInt is rejection-sampled, so the characters are uniformly distributed.
  for (let i = 0; i < UNUSABLE_SUFFIX_LENGTH; i++)
    suffix += RANDOM_ALPHABET[randomInt(RANDOM_ALPHABET.length)];
  return UNUSABLE_PASSWORD_PREFIX + suffix;
}

/**
 * True if `encoded` could match some password. Unlike Django, a missing or
 * empty value counts as unusable: "no hash" must never mean "any password".
 */
export function isUsablePassword(encoded: string | null | undefined): boolean {
  return typeof encoded === 'string' && encoded.length > 0 && !encoded.startsWith(UNUSABLE_PASSWORD_PREFIX);
}

let dummyHash: Promise<string> | undefined;

function getDummyHash(): Promise<string> {
  if (!dummyHash) {
    // Hash a random value so the dummy can never match a real password, and use
    // the live parameters so the cost matches a real verification exactly.
    const pending = hashPassword(makeUnusablePassword());
    pending.catch(() => {
      // Don't cache a failure; the next call retries.
      if (dummyHash === pending) dummyHash = undefined;
    });
    dummyHash = pending;
  }
  return dummyHash;
}

/**
 * Spends the same work as a failed login (one argon2id verify) so that a login
 * for an unknown username is not distinguishable by response time.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  checksMade++;
  try {
    const { verify } = await loadArgon2();
    await verify(await getDummyHash(), typeof password === 'string' ? password : '');
  } catch {
    // Only the elapsed time matters here; never let it fail a request.
  }
}
