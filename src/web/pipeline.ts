/**
 * THE request pipeline, in order: the one place to read what every request goes through.
 * Same order as the seed's Django MIDDLEWARE, plus Django's LocaleMiddleware in its documented place
 * (after sessions, before common); see docs/architecture.md for what each stage may answer.
 *
 *   security → static → sessions → locale → languagePrefix → common → pageCache → csrf → auth → messages → clickjacking → your view
 */
import { auth } from './middleware/auth.js';
import { clickjacking } from './middleware/clickjacking.js';
import { common } from './middleware/common.js';
import { csrf } from './middleware/csrf.js';
import { languagePrefix } from './middleware/language-prefix.js';
import { locale } from './middleware/locale.js';
import { messages } from './middleware/messages.js';
import { pageCache } from './middleware/page-cache.js';
import { security } from './middleware/security.js';
import { sessions } from './middleware/sessions.js';
import { staticFiles } from './middleware/static-files.js';
import type { Stage } from './stage.js';

export const pipeline: readonly Stage[] = Object.freeze([
  security, // HSTS, nosniff, referrer/COOP/CORP, CSP; HTTPS redirect
  staticFiles, // /static/ files, before any session work
  sessions, // request.session from the session store (SESSION_STORE: the database, + its user in one query, or Redis)
  locale, // request.language: the URL prefix, the visitor's choice, Accept-Language or LANGUAGE_CODE
  languagePrefix, // LANGUAGE_URL_PREFIXES: public pages under /<language>/, the bare address redirects
  common, // Host allow-list, trailing-slash redirect, request limits
  pageCache, // anonymous GETs of routes with config.pageCache, from stores.cache
  csrf, // token + Origin/Referer checks on unsafe methods
  auth, // request.user, checked against the password hash and is_active
  messages, // one-shot flash messages in the session
  clickjacking, // X-Frame-Options and CSP frame-ancestors
]);
