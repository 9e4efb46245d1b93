/**
 * ADMIN_REQUIRE_2FA (on by default in production): a staff user whose session has not passed a second
 * factor is sent to set one up (or, having one, logged in with it) before any admin page. The check is
 * the session's flag, so it costs no query, and it is attached only to the admin's own routes (as they
 * are added), so no other page pays for it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { addRouteHooks } from '../../web/route-hooks.js';
import { passedSecondFactor } from '../auth/two-factor/session-state.js';
import { TWO_FACTOR_URL } from '../auth/two-factor/views.js';

function gate(basePath: string): preHandlerHookHandler {
  return function secondFactorGate(request: FastifyRequest, reply: FastifyReply, done: () => void) {
    const user = request.user;
    // Anonymous visitors and non-staff are the admin's own business (login redirect, 403).
    if (!user?.isAuthenticated || !user.isStaff || passedSecondFactor(request)) return done();
    const next = request.method === 'GET' ? request.url : basePath;
    reply
      .header('cache-control', 'no-store')
      .redirect(`${TWO_FACTOR_URL}?next=${encodeURIComponent(next)}`, 302);
  };
}

/** Call before the admin's routes are added: each route under `basePath` gets the gate. */
export function requireSecondFactorForAdmin(app: FastifyInstance, basePath: string): void {
  addRouteHooks(app, (route) => route.url.startsWith(basePath), { preHandler: gate(basePath) });
}
