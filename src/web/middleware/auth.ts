/**
 * Stage 8, auth (Django's AuthenticationMiddleware): `request.user` from the user row that came with the
 * session. A session whose user is gone, inactive, or has changed password since is flushed, so
 * disabling an account or changing its password ends its sessions on their next request.
 */
import type { preHandlerHookHandler } from 'fastify';
import { ANONYMOUS_USER, authenticatedUser } from '../../contrib/auth/current-user.js';
import { AUTH_HASH_KEY, sessionAuthHash } from '../../contrib/auth/login.js';
import { constantTimeEqual } from '../../signing.js';
import { addRouteHooks, hasSession } from '../route-hooks.js';
import type { Stage } from '../stage.js';

export const auth: Stage = {
  name: 'auth',
  requires: ['sessions'],
  register(app, { settings, database }) {
    const secret = settings.secretKey.reveal();
    app.decorateRequest('user', null as unknown as typeof ANONYMOUS_USER);

    // A callback hook: nothing here waits (no promise per request). It is the route's own
    // (../route-hooks.ts): on a sessionless route or a 404 `request.user` stays unset, and pageContext
    // reads that as the anonymous user.
    const loadUser: preHandlerHookHandler = (request, _reply, done) => {
      request.user = ANONYMOUS_USER;
      const session = request.session;
      if (!session || session.userId === null) return done();
      const row = request.sessionUserRow;
      const storedHash = session.get<string>(AUTH_HASH_KEY) ?? '';
      if (!row?.isActive || !constantTimeEqual(storedHash, sessionAuthHash(secret, row.password))) {
        request.log.info({ userId: session.userId }, 'session no longer valid for its user; logged out');
        session.flush();
        return done();
      }
      request.user = authenticatedUser(database.db, row);
      done();
    };
    addRouteHooks(app, hasSession, { preHandler: loadUser });
  },
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in user or the anonymous user; unset (null) on routes with `session: false` and 404s. */
    user: import('../../contrib/auth/current-user.js').CurrentUser;
  }
}
