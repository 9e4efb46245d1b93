/** Sends server-rendered HTML: preact components rendered to a string (escaped by default). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { ANONYMOUS_USER, type CurrentUser } from '../contrib/auth/current-user.js';
import type { Message } from '../contrib/messages/messages.js';
import type { StaticAsset } from '../contrib/staticfiles/asset.js';
import { staticUrlsOf } from '../contrib/staticfiles/static-urls.js';
import { type MessageId, type Translate, translator } from '../i18n/messages.js';
import {
  type LanguageAlternate,
  languageAlternates,
  type UrlLanguage,
  withoutLanguagePrefix,
} from './language-urls.js';
import { webMessages } from './messages.js';
import { routePolicy } from './route-policy.js';

/** What the layout needs from the request, gathered once per page. */
export interface PageContext extends UrlLanguage {
  user: CurrentUser;
  messages: Message[];
  /** A masked CSRF token, present when the user is logged in (for the logout button). */
  csrfToken: string | null;
  /** The URL of a declared static file (`staticAsset(...)` at module level): hashed in production. */
  staticUrl: (asset: StaticAsset) => string;
  siteName: string;
  /** The page's language (the locale stage's choice), for `<html lang>` and formatting. */
  language: string;
  /** TIME_ZONE: dates on pages are shown in it (stored in UTC). */
  timeZone: string;
  /** The languages a visitor may switch to (LANGUAGES). */
  languages: readonly string[];
  /**
   * The page's own path and query, without its language prefix (`/blog/?page=2` on `/ru/blog/?page=2`):
   * for the switcher to come back to and the header to mark the current section.
   */
  path: string;
  /** The page in each language (`<link rel="alternate" hreflang>`); empty unless its URL has a prefix. */
  alternates: readonly LanguageAlternate[];
  /** The frame's messages (header, footer, switcher) in the page's language. */
  t: Translate<MessageId<typeof webMessages>>;
}

/** The site's name and tagline, from the app that keeps them (the site app's settings), if installed. */
export interface SiteIdentity {
  siteName: string;
  tagline: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    siteIdentity?: () => SiteIdentity;
  }
}

/** Builds the layout's context from a request that went through the pipeline. */
export function pageContext(request: FastifyRequest): PageContext {
  const { settings } = request.server.keen;
  const { languages, timeZone } = settings;
  const hasSession = request.session !== null;
  const language = request.language;
  // Set only on the language-prefix stage's copies of a localized route (LANGUAGE_URL_PREFIXES on).
  const urlLanguage = routePolicy(request).urlLanguage ?? null;
  const path = urlLanguage === null ? request.url : withoutLanguagePrefix(request.url);
  return {
    user: request.user ?? ANONYMOUS_USER,
    messages: hasSession ? request.messages.consume() : [],
    csrfToken: hasSession && request.user.isAuthenticated ? request.csrfToken() : null,
    staticUrl: staticUrlsOf(request.server).url,
    siteName: request.server.siteIdentity?.().siteName ?? 'Keen',
    language,
    timeZone,
    languages,
    path,
    urlLanguage,
    alternates: urlLanguage === null ? [] : languageAlternates(path, settings),
    t: translator(webMessages, language),
  };
}

/** Renders `page` as a full HTML document and sends it. */
// biome-ignore lint/suspicious/noExplicitAny: any component's vnode; props are checked where it is built.
export function sendPage(reply: FastifyReply, page: VNode<any>, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html>${renderToString(page)}`);
}

export type { ComponentChildren };
