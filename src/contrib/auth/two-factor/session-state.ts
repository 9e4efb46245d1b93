/**
 * What the session remembers about the second factor: a login waiting for its code (the password was
 * right; the user is not logged in yet), a secret being enrolled, and that this session passed the
 * second factor (which the admin asks for when ADMIN_REQUIRE_2FA is on).
 */
import type { FastifyRequest } from 'fastify';
import type { UserRow } from '../schema.js';

/** Set once this session passed the second factor (or enrolled one). */
export const VERIFIED_KEY = '_2fa_verified';
const PENDING_KEY = '_2fa_pending_login';
const ENROL_KEY = '_2fa_enrol_secret';
/** A login waits this long for its code, then the password must be given again. */
export const PENDING_LOGIN_MS = 5 * 60_000;

export interface PendingLogin {
  userId: number;
  /** The user's password hash when the password was checked: a change meanwhile voids the login. */
  passwordHash: string;
  next: string;
  startedAt: number;
}

/** The password was right: the session waits for the code (with a new key, like a login). */
export function startPendingLogin(request: FastifyRequest, user: UserRow, next: string): void {
  const session = request.session;
  if (!session) return;
  session.cycleKey();
  const pending: PendingLogin = { userId: user.id, passwordHash: user.password, next, startedAt: Date.now() };
  session.set(PENDING_KEY, pending);
}

/** The login waiting for a code, if there is one and it is not too old. */
export function pendingLogin(request: FastifyRequest): PendingLogin | null {
  const pending = request.session?.get<PendingLogin>(PENDING_KEY);
  if (!pending || typeof pending.userId !== 'number') return null;
  if (Date.now() - pending.startedAt > PENDING_LOGIN_MS) {
    request.session?.delete(PENDING_KEY);
    return null;
  }
  return pending;
}

export function clearPendingLogin(request: FastifyRequest): void {
  request.session?.delete(PENDING_KEY);
}

/** The secret shown on the enrolment page, kept until a code proves the app has it. */
export function enrolmentSecret(request: FastifyRequest, make: () => string): string {
  const existing = pendingEnrolmentSecret(request);
  if (existing) return existing;
  const secret = make();
  request.session?.set(ENROL_KEY, secret);
  return secret;
}

export function pendingEnrolmentSecret(request: FastifyRequest): string | null {
  const secret = request.session?.get<string>(ENROL_KEY);
  return typeof secret === 'string' && secret ? secret : null;
}

export function finishEnrolment(request: FastifyRequest): void {
  request.session?.delete(ENROL_KEY);
  request.session?.set(VERIFIED_KEY, true);
}

export function passedSecondFactor(request: FastifyRequest): boolean {
  return request.session?.get(VERIFIED_KEY) === true;
}
