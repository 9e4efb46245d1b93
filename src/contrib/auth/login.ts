/**
 * Authentication and the session side of logging in and out (Django's authenticate/login/logout and
 * update_session_auth_hash).
 */
import { eq, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import { PipelineError } from '../../errors.js';
import { keyedHash } from '../../signing.js';
import { rotateCsrfToken } from '../../web/middleware/csrf.js';
import type { SessionStore } from '../sessions/store.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords/hashers.js';
import { type UserRow, users } from './schema.js';

/** Session key holding the HMAC of the user's password hash. */
export const AUTH_HASH_KEY = '_auth_user_hash';

/**
 * Binds a session to the user's current password: when the password changes, this value changes and
 * every other session of the user stops being valid.
 */
export function sessionAuthHash(secretKey: string, passwordHash: string): string {
  return keyedHash(secretKey, 'keen.auth.session', passwordHash);
}

/** Finds a user by username, ignoring case (the unique index does too). */
export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  const rows = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.username})`, username.trim().toLowerCase()))
    .limit(1);
  return rows[0];
}

/**
 * Checks a username and password. Unknown users cost one password check too, so response time does not
 * reveal which usernames exist. Inactive users are refused. Old hashes (Django's PBKDF2) are upgraded.
 */
export async function authenticate(db: Db, username: string, password: string): Promise<UserRow | null> {
  const user = await findUserByUsername(db, username);
  if (!user) {
    await burnPasswordCheck(password);
    return null;
  }
  const { ok, needsRehash } = await verifyPassword(password, user.password);
  if (!ok || !user.isActive) return null;
  if (needsRehash) {
    const upgraded = await hashPassword(password);
    await db.update(users).set({ password: upgraded }).where(eq(users.id, user.id));
    return { ...user, password: upgraded };
  }
  return user;
}

/**
 * Logs `user` in on this request's session: a session that belonged to someone else is flushed, any
 * other gets a new key (a key seen before login is worthless after it), and the CSRF secret rotates
 * (a new one in the session; the anonymous CSRF cookie is dropped).
 */
export async function login(
  db: Db,
  request: FastifyRequest,
  secretKey: string,
  user: UserRow,
): Promise<void> {
  const session = request.session;
  if (!session) throw new PipelineError('login() needs a session: the route must not set session: false');
  if (session.userId !== null && session.userId !== user.id) session.flush();
  else session.cycleKey();
  session.userId = user.id;
  session.set(AUTH_HASH_KEY, sessionAuthHash(secretKey, user.password));
  rotateCsrfToken(request);
  await db.update(users).set({ lastLogin: new Date() }).where(eq(users.id, user.id));
}

/** Ends the session: data and key dropped, the row deleted. */
export function logout(request: FastifyRequest): void {
  request.session?.flush();
}

/**
 * Sets a new password; ends all of the user's sessions except `keepSessionOf` (the request changing it,
 * which stays logged in with an updated hash).
 */
export async function setPassword(
  db: Db,
  sessions: SessionStore,
  secretKey: string,
  userId: number,
  password: string,
  keepSessionOf?: FastifyRequest,
): Promise<void> {
  const hashed = await hashPassword(password);
  await db.update(users).set({ password: hashed }).where(eq(users.id, userId));
  const session = keepSessionOf?.session;
  if (session && session.userId === userId) {
    session.cycleKey();
    session.set(AUTH_HASH_KEY, sessionAuthHash(secretKey, hashed));
  }
  await sessions.deleteForUser(userId, null);
}
