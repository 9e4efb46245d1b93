/** Where the account pages live, and the redirect that sends an anonymous visitor to log in. */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const LOGIN_URL = '/accounts/login/';

/** Sends anonymous users to the login page with `next`; returns true when the caller should stop. */
export function redirectToLogin(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.user.isAuthenticated) return false;
  void reply.redirect(`${LOGIN_URL}?next=${encodeURIComponent(request.url)}`, 302);
  return true;
}
