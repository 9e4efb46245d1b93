/**
 * Stage 4, locale (Django's LocaleMiddleware): `request.language`, the language the response is in:
 * the language in the URL's prefix (a route the language-prefix stage copied under `/<language>/`),
 * else the visitor's choice (the `language` cookie, set by the switcher in the header), else the
 * browser's `Accept-Language`, else LANGUAGE_CODE; always one of LANGUAGES. It is worked out the
 * first time a view asks, and only responses that asked carry `Content-Language` and `Vary:
 * Accept-Language, Cookie`, so static files, probes and redirects stay as cacheable as before (the
 * language-prefix stage's redirect asks: it depends on the cookie and Accept-Language).
 *
 * `GET /i18n/setlang/?language=ru&next=/blog/` is the switcher: it stores the choice for a year and
 * sends the visitor back to the page they were on. It is a link, not a form, so pages need no CSRF
 * token for it (choosing a language changes nothing but how pages read).
 */
import type { FastifyRequest } from 'fastify';
import type { CurrentUser } from '../../contrib/auth/current-user.js';
import { safeNextUrl } from '../../contrib/auth/safe-next.js';
import { BadRequestError } from '../../errors.js';
import { matchLanguage, negotiateLanguage } from '../../i18n/languages.js';
import { addVary, requestCookie, setCookie } from '../cookies.js';
import { formField } from '../forms.js';
import { routePolicy } from '../route-policy.js';
import type { Stage } from '../stage.js';

export const LANGUAGE_COOKIE = 'language';
export const SET_LANGUAGE_URL = '/i18n/setlang/';
const LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60;

/** The switcher's link for `language`, returning to `next` (a path on this site). */
export function setLanguageUrl(language: string, next: string): string {
  return `${SET_LANGUAGE_URL}?language=${encodeURIComponent(language)}&next=${encodeURIComponent(next)}`;
}

const chosen = new WeakMap<FastifyRequest, string>();

function adminUserLanguage(request: FastifyRequest): string | null {
  const user = (request as { user?: CurrentUser }).user;
  return user?.isAuthenticated ? user.row.language || null : null;
}

export const locale: Stage = {
  name: 'locale',
  register(app, { settings }) {
    const { languages, languageCode, adminPath } = settings;

    app.decorateRequest('language', {
      getter(this: FastifyRequest): string {
        let language = chosen.get(this);
        if (language === undefined) {
          language = negotiateLanguage(
            {
              prefix: routePolicy(this).urlLanguage,
              // The admin follows its user's own setting (the auth stage has loaded the user by the
              // time a view asks); public pages stay the visitor's choice, so they can be cached.
              user: this.url.startsWith(adminPath) ? adminUserLanguage(this) : null,
              cookie: requestCookie(this, LANGUAGE_COOKIE),
              acceptLanguage: this.headers['accept-language'],
            },
            languages,
            languageCode,
          );
          chosen.set(this, language);
        }
        return language;
      },
    });

    // A callback hook (no promise): it runs on every response and rarely has work.
    app.addHook('onSend', (request, reply, payload, done) => {
      const language = chosen.get(request);
      if (language !== undefined) {
        if (!reply.hasHeader('content-language')) reply.header('content-language', language);
        addVary(reply, 'Accept-Language', 'Cookie');
      }
      done(null, payload);
    });

    app.get(SET_LANGUAGE_URL, { config: { session: false } }, async (request, reply) => {
      const wanted = formField(request.query, 'language');
      const language = matchLanguage(wanted, languages);
      if (!language) throw new BadRequestError('Bad request.', 'language is not one of LANGUAGES');
      setCookie(request, reply, LANGUAGE_COOKIE, language, LANGUAGE_COOKIE_AGE);
      return reply
        .header('cache-control', 'no-store')
        .redirect(safeNextUrl(formField(request.query, 'next'), '/'), 302);
    });
  },
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The language of this response: one of LANGUAGES (worked out on first use). */
    readonly language: string;
  }
}
