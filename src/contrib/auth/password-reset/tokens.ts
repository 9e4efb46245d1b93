/**
 * Password-reset tokens (Django's PasswordResetTokenGenerator): `<time in base36>-<HMAC>` over the
 * user's id, password hash, last login, email and the time, keyed by SECRET_KEY. Nothing is stored: a
 * token stops working when the password is set (the hash changes, so it is single-use), when the user
 * logs in (last login changes), when the email changes, and after PASSWORD_RESET_TIMEOUT.
 */
import { constantTimeEqual, keyedHash } from '../../../signing.js';
import type { UserRow } from '../schema.js';

/** Django's default: three days. */
export const PASSWORD_RESET_TIMEOUT_SECONDS = 3 * 24 * 3600;

function signature(secret: string, user: UserRow, seconds: number): string {
  const lastLogin = user.lastLogin ? user.lastLogin.getTime() : '';
  const value = `${user.id}|${user.password}|${lastLogin}|${user.email.toLowerCase()}|${seconds}`;
  return keyedHash(secret, 'keen.auth.password-reset', value).slice(0, 32);
}

export function makeResetToken(secret: string, user: UserRow, nowMs = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000);
  return `${seconds.toString(36)}-${signature(secret, user, seconds)}`;
}

export function checkResetToken(
  secret: string,
  user: UserRow,
  token: string,
  nowMs = Date.now(),
  timeoutSeconds = PASSWORD_RESET_TIMEOUT_SECONDS,
): boolean {
  const match = /^([0-9a-z]{1,10})-([A-Za-z0-9_-]{32})$/.exec(token);
  if (!match) return false;
  const seconds = Number.parseInt(match[1] as string, 36);
  const age = Math.floor(nowMs / 1000) - seconds;
  if (age < 0 || age > timeoutSeconds) return false;
  return constantTimeEqual(match[2] as string, signature(secret, user, seconds));
}

/** The user id in a reset URL, as Django writes it (base64 of the decimal id). */
export function encodeUid(id: number): string {
  return Buffer.from(String(id)).toString('base64url');
}

export function decodeUid(uid: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(uid)) return null;
  const text = Buffer.from(uid, 'base64url').toString('utf8');
  return /^[1-9]\d{0,9}$/.test(text) ? Number(text) : null;
}
