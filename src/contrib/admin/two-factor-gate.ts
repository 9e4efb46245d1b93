/**
 * ADMIN_REQUIRE_2FA (on by default in production): a staff user whose session has not passed a second
 * factor is sent to set one up (or, having one, logged in with it) before any admin page. The check is
 * the session's flag, so it costs no query.
 */
import type { FastifyInstance } from 'fastify';
import { passedSecondFactor } from '../auth/two-factor/session-state.js';
import { TWO_FACTOR_URL } from '../auth/two-factor/views.js';

export function requireSecondFactorForAdmin(app: FastifyInstance, basePath: string): void {
  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.url?.startsWith(basePath)) return;
    const user = request.user;
    // Anonymous visitors and non-staff are the admin's own business (login redirect, 403).
    if (!user?.isAuthenticated || !user.isStaff || passedSecondFactor(request)) return;
    reply.header('cache-control', 'no-store');
    const next = request.method === 'GET' ? request.url : basePath;
    return reply.redirect(`${TWO_FACTOR_URL}?next=${encodeURIComponent(next)}`, 302);
  });
}
