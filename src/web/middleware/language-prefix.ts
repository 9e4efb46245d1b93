/**
 * Stage 5, language prefix (Django's i18n_patterns), only with LANGUAGE_URL_PREFIXES on. A route whose
 * config says `localized: true` (a public page) is also registered under `/<language>/` for each of
 * LANGUAGES, with `urlLanguage` in its config (the locale stage puts it before the cookie and
 * Accept-Language), and its un-prefixed GET/HEAD becomes a 302 to the visitor's language.
 *
 * The copies are made as routes are added (an `onRoute` hook), so nothing runs per request, the router
 * decides the prefix, and an unknown one (`/de/blog/`, `/ru/admin/`, `/ru/static/…`) is no route: a 404
 * as before. Routes that are not localized (static files, media, the admin, account pages, `/i18n/`,
 * probes) keep their one address.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppRegistryError } from '../../errors.js';
import { prefixedPath } from '../language-urls.js';
import type { Stage } from '../stage.js';

/** The un-prefixed address of a localized page: the same page in the visitor's language. */
async function redirectToLanguage(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  // request.language is the cookie, Accept-Language or LANGUAGE_CODE here (there is no prefix); reading
  // it makes the locale stage add `Vary: Accept-Language, Cookie`, which this answer depends on.
  return reply.redirect(prefixedPath(request.language, request.url), 302);
}

export const languagePrefix: Stage = {
  name: 'languagePrefix',
  requires: ['locale'],
  register(app, { settings }) {
    if (!settings.languageUrlPrefixes) return;
    const { languages } = settings;

    app.addHook('onRoute', function copyUnderPrefixes(this: FastifyInstance, route) {
      // Copies carry urlLanguage: without this check each copy would be copied again.
      if (route.config?.localized !== true || route.config.urlLanguage !== undefined) return;
      if (route.prefix) {
        // A plugin prefix would land before the language (`/plugin/ru/…`).
        throw new AppRegistryError(
          `localized route ${route.url} is inside a plugin with a prefix; register it without one`,
        );
      }
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      // A GET route brings its HEAD (Fastify adds one to each copy too), so HEAD is never copied.
      if (!methods.includes('HEAD')) {
        for (const language of languages) {
          this.route({
            ...route,
            url: prefixedPath(language, route.url),
            config: { ...route.config, urlLanguage: language },
          });
        }
      }
      // Reading pages moves under a prefix; a form posting to the un-prefixed address keeps working.
      if (methods.every((method) => method === 'GET' || method === 'HEAD')) {
        route.handler = redirectToLanguage;
        // The redirect needs no session, user or messages.
        route.config = { ...route.config, session: false };
      }
    });
  },
};
