/**
 * Hooks attached to the routes that need them instead of to every request: Fastify runs a route's own
 * hooks after the app-wide ones of the same phase, and skips them for every other route. The session,
 * CSRF, auth, messages and page-cache stages attach theirs this way (a health probe or a static file
 * pays for none of them), as does the admin's two-factor gate.
 *
 * The not-found handler has no route options, so a 404 runs app-wide hooks only: that page shows no
 * user and writes no session, so it needs none of these.
 */
import type { FastifyInstance, onSendHookHandler, preHandlerHookHandler, RouteOptions } from 'fastify';

export interface RouteHooks {
  preHandler?: preHandlerHookHandler;
  onSend?: onSendHookHandler;
}

/**
 * Adds `hooks` to each route (registered after this call) that `applies` accepts, after the route's
 * own. A route registered again from another's options (a language-prefixed copy, the HEAD route
 * Fastify makes for a GET) already holds them and gets each once.
 */
export function addRouteHooks(
  app: FastifyInstance,
  applies: (route: RouteOptions) => boolean,
  hooks: RouteHooks,
): void {
  app.addHook('onRoute', (route) => {
    if (!applies(route)) return;
    if (hooks.preHandler) route.preHandler = withHook(route.preHandler, hooks.preHandler);
    if (hooks.onSend) route.onSend = withHook(route.onSend, hooks.onSend);
  });
}

function withHook<T>(existing: T | T[] | undefined, hook: T): T[] {
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  return list.includes(hook) ? list : [...list, hook];
}

/** Routes with a session (all but `session: false`), which the csrf, auth and messages stages need too. */
export const hasSession = (route: RouteOptions): boolean => route.config?.session !== false;
