/**
 * Time-based one-time passwords (RFC 6238, through otpauth): 6 digits, 30-second steps, SHA-1 (what
 * every authenticator app understands), one step of clock drift either way. And recovery codes: ten
 * random single-use codes shown once. Everything takes the time as an argument so tests can fix it.
 */
import { createHash, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export const STEP_SECONDS = 30;
const DIGITS = 6;
/** Codes one step early or late are accepted: phone clocks drift, people type slowly. */
const DRIFT_STEPS = 1;
export const RECOVERY_CODE_COUNT = 10;
/** Lower-case letters and digits without 0/o, 1/l/i: easy to read off paper. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function totp(secret: string, issuer = '', label = ''): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: STEP_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

/** A new random secret, in base32 (160 bits). */
export function newSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://` URI an authenticator app reads from the QR code. */
export function provisioningUri(secret: string, account: string, issuer: string): string {
  return totp(secret, issuer, account).toString();
}

/** The secret in groups of four, for typing it in by hand. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/** The code for the step at `nowMs` (tests, and the browser test's "phone"). */
export function codeAt(secret: string, nowMs: number): string {
  return totp(secret).generate({ timestamp: nowMs });
}

/** The step `code` belongs to, if it is right for `nowMs` within the allowed drift; else null. */
export function matchingStep(secret: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: nowMs, window: DRIFT_STEPS });
  return delta === null ? null : Math.floor(nowMs / 1000 / STEP_SECONDS) + delta;
}

/** Ten new recovery codes, each `xxxxx-xxxxx` (50 bits). */
export function newRecoveryCodes(): string[] {
  const part = () =>
    Array.from({ length: 5 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => `${part()}-${part()}`);
}

/** How a recovery code is stored: spaces, dashes and case do not matter when it is typed back. */
export function hashRecoveryCode(code: string): string {
  const normal = code.toLowerCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(normal).digest('hex');
}

/** True when `code` looks like a TOTP code (six digits, spaces allowed) rather than a recovery code. */
export function looksLikeTotp(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s/g, ''));
}
