/**
 * Stage 3, sessions (Django's SessionMiddleware): loads `request.session` (and the session's user row,
 * in the same query) before the view, and saves it after, only when it changed and the response is not
 * a server error. Unknown, expired or forged cookies start a fresh session under a new key, so a key
 * chosen by an attacker is never adopted (no fixation).
 */
import { signSessionKey, unsignSessionKey } from '../../contrib/sessions/cookie-signing.js';
import { Session } from '../../contrib/sessions/session.js';
import { deleteSession, loadSession, saveSession } from '../../contrib/sessions/store.js';
import { addVary, clearCookie, cookieName, requestCookies, setCookie } from '../cookies.js';
import type { Stage } from '../stage.js';

export const SESSION_COOKIE = 'sessionid';

export const sessions: Stage = {
  name: 'sessions',
  register(app, { settings, database }) {
    const secret = settings.secretKey.reveal();
    app.decorateRequest('session', null);
    app.decorateRequest('sessionUserRow', null);

    app.addHook('preHandler', async (request) => {
      if (request.routeOptions.config.session === false) return;
      const raw = requestCookies(request)[cookieName(request, SESSION_COOKIE)];
      const key = raw ? unsignSessionKey(secret, raw) : null;
      const loaded = key ? await loadSession(database.db, key) : null;
      if (loaded) {
        request.session = new Session(key, loaded.data, loaded.userId);
        request.sessionUserRow = loaded.user;
      } else {
        request.session = new Session(null);
      }
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const session = request.session;
      if (!session) return payload;
      if (session.accessed) addVary(reply, 'Cookie');
      // Django's rule: a server error must not persist half-done session changes.
      if (!session.modified || reply.statusCode >= 500) return payload;
      if (session.isEmpty) {
        const keys = [...session.takeRetiredKeys(), ...(session.key ? [session.key] : [])];
        await deleteSession(database.db, keys);
        if (requestCookies(request)[cookieName(request, SESSION_COOKIE)])
          clearCookie(request, reply, SESSION_COOKIE);
        return payload;
      }
      const saved = await saveSession(database.db, session, settings.sessionCookieAge);
      if (!saved) {
        // The row was deleted by a concurrent logout: do not resurrect it.
        request.log.info('session ended by another request; not saved');
        clearCookie(request, reply, SESSION_COOKIE);
        return payload;
      }
      setCookie(
        request,
        reply,
        SESSION_COOKIE,
        signSessionKey(secret, session.key as string),
        settings.sessionCookieAge,
      );
      return payload;
    });
  },
};
