/**
 * Stage 3, sessions (Django's SessionMiddleware): loads `request.session` (and the session's user row)
 * from the session store (SESSION_STORE: the database, in the same query, or Redis) before the view,
 * and saves it after, only when it changed and the response is not a server error. Its hooks are the
 * route's own (../route-hooks.ts): routes with `session: false` and 404s run none. A visitor without a
 * session cookie gets an empty session in memory: nothing is written until something stores a value (a
 * login, a message), so crawlers and anonymous form views cost no round trip to the store. Unknown,
 * expired or forged cookies start a fresh session under a new key, so a key chosen by an attacker is
 * never adopted (no fixation).
 *
 * Everything else about sessions (the Session object, the table, the store, the cookie) is in
 * src/contrib/sessions/.
 */
import type { FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import {
  dropSessionCookie,
  sendSessionCookie,
  sessionKeyFromRequest,
} from '../../contrib/sessions/cookie.js';
import { Session } from '../../contrib/sessions/session.js';
import { SESSION_TOUCH_MS, type SessionClient } from '../../contrib/sessions/store.js';
import { addVary } from '../cookies.js';
import { addRouteHooks, hasSession } from '../route-hooks.js';
import { routePolicy } from '../route-policy.js';
import type { Stage } from '../stage.js';

export const sessions: Stage = {
  name: 'sessions',
  register(app, { settings, stores }) {
    const store = stores.sessions;
    const secret = settings.secretKey.reveal();
    app.decorateRequest('session', null);
    app.decorateRequest('sessionUserRow', null);
    // When the loaded session was last written as seen; touched again once it is older than SESSION_TOUCH_MS.
    const lastSeen = new WeakMap<object, Date>();
    const clientOf = (request: { ip: string; headers: Record<string, unknown> }): SessionClient => ({
      userAgent: String(request.headers['user-agent'] ?? '').slice(0, 300),
      ip: request.ip.slice(0, 45),
    });

    // Callback hooks: a request without a session cookie, or whose session did not change, makes no
    // promise (they run on every page).
    const loadSession: preHandlerHookHandler = (request, _reply, done) => {
      // The language-prefix stage turns a route sessionless after this hook was attached to it.
      if (routePolicy(request).session === false) return done();
      const key = sessionKeyFromRequest(request, secret);
      if (!key) {
        request.session = new Session(null);
        return done();
      }
      store.load(key).then((loaded) => {
        if (loaded) {
          request.session = new Session(key, loaded.data, loaded.userId);
          request.sessionUserRow = loaded.user;
          lastSeen.set(request, loaded.lastSeen);
        } else {
          request.session = new Session(null);
        }
        done();
      }, done);
    };

    /** Writes what changed in `session` (after the checks in the onSend hook below). */
    async function saveChanges(
      request: FastifyRequest,
      reply: FastifyReply,
      session: Session,
    ): Promise<void> {
      if (!session.modified) {
        await store.touch(session.key as string, clientOf(request).ip);
        return;
      }
      if (session.isEmpty) {
        const keys = [...session.takeRetiredKeys(), ...(session.key ? [session.key] : [])];
        await store.delete(keys);
        dropSessionCookie(request, reply);
        return;
      }
      const saved = await store.save(session, settings.sessionCookieAge, clientOf(request));
      if (!saved) {
        // The row was deleted by a concurrent logout: do not resurrect it.
        request.log.info('session ended by another request; not saved');
        dropSessionCookie(request, reply);
        return;
      }
      sendSessionCookie(request, reply, secret, session.key as string, settings.sessionCookieAge);
    }

    const saveSession: onSendHookHandler = (request, reply, payload, done) => {
      const session = request.session;
      if (!session) return done(null, payload);
      if (session.accessed) addVary(reply, 'Cookie');
      // Django's rule: a server error must not persist half-done session changes.
      if (reply.statusCode >= 500) return done(null, payload);
      if (!session.modified) {
        const seen = lastSeen.get(request);
        const stale =
          session.key !== null && seen !== undefined && Date.now() - seen.getTime() > SESSION_TOUCH_MS;
        if (!stale) return done(null, payload);
      }
      saveChanges(request, reply, session).then(() => done(null, payload), done);
    };

    addRouteHooks(app, hasSession, { preHandler: loadSession, onSend: saveSession });
  },
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The session; null on routes with `session: false`. */
    session: Session | null;
    /** Internal: the user row that came with the session row, for the auth stage. */
    sessionUserRow: import('../../contrib/auth/schema.js').UserRow | null;
  }
}
