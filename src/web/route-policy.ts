/**
 * Per-route policy, read by the pipeline stages from the route's `config` (like Django's
 * `csrf_exempt` or `xframe_options_exempt` decorators), never from path patterns inside a stage.
 *
 * @example app.get('/healthz', { config: PROBE_POLICY }, handler)
 */

import type { CurrentUser } from '../contrib/auth/current-user.js';
import type { Messages } from '../contrib/messages/messages.js';
import type { Session } from '../contrib/sessions/session.js';

export interface RoutePolicy {
  /** false: no session is loaded or saved (static files, health probes). Also skips csrf/auth/messages. */
  session?: boolean;
  /** false: exempt from the CSRF check. */
  csrf?: boolean;
  /** false: answered whatever the Host header (health probes use internal host names). */
  hostCheck?: boolean;
  /** false: never redirected to HTTPS (probes over internal HTTP). */
  sslRedirect?: boolean;
  /** X-Frame-Options for this route; false sends none and leaves frame-ancestors out of the CSP. */
  frameOptions?: 'DENY' | 'SAMEORIGIN' | false;
}

/** Health probes: no session, any host, plain HTTP allowed. */
export const PROBE_POLICY: RoutePolicy = Object.freeze({
  session: false,
  hostCheck: false,
  sslRedirect: false,
});

declare module 'fastify' {
  interface FastifyContextConfig extends RoutePolicy {}

  interface FastifyRequest {
    /** The session (sessions stage); null on routes with `session: false`. */
    session: Session | null;
    /** The logged-in user or the anonymous user (auth stage). */
    user: CurrentUser;
    /** A fresh masked CSRF token for a form (csrf stage). */
    csrfToken(): string;
    /** One-shot messages for the next page (messages stage). */
    messages: Messages;
    /** Internal: the user row that came with the session row, for the auth stage. */
    sessionUserRow: import('../contrib/auth/schema.js').UserRow | null;
  }
}
