/**
 * Page addresses when the language is in the URL (LANGUAGE_URL_PREFIXES, Django's i18n_patterns):
 * `/ru/blog/` is `/blog/` in Russian. Pages link to each other through `localizedPath`, so a visitor on
 * a prefixed page stays under its prefix; on a page without a prefix (prefixes off, or a page that
 * takes none, such as the login page) every link is exactly the path given.
 */
import type { Settings } from '../settings.js';

/** `path` (root-relative, query included) under `language`'s prefix: `/ru` + `/blog/?page=2`. */
export function prefixedPath(language: string, path: string): string {
  return `/${language}${path}`;
}

/**
 * A prefixed request URL without its first segment: `/ru/blog/?page=2` → `/blog/?page=2`. Only for a
 * URL the router matched to a prefixed route, so there is a slash after the prefix; it is found rather
 * than counted because the router also matches an escaped prefix (`/%72u/`).
 */
export function withoutLanguagePrefix(url: string): string {
  const slash = url.indexOf('/', 1);
  return slash === -1 ? '/' : url.slice(slash);
}

/** What `localizedPath` needs to know of the page it is on (a PageContext has it). */
export interface UrlLanguage {
  /** The language in this page's URL prefix, or null when its URL has none. */
  urlLanguage: string | null;
}

/** A link from this page to another public page: under this page's prefix when it has one. */
export function localizedPath(page: UrlLanguage, path: string): string {
  return page.urlLanguage === null ? path : prefixedPath(page.urlLanguage, path);
}

export interface LanguageAlternate {
  /** A language of LANGUAGES, or `x-default`. */
  hreflang: string;
  href: string;
}

/**
 * The page at `path` (un-prefixed, query included) in each of LANGUAGES, then `x-default`: the
 * un-prefixed address, which redirects each visitor to their own language. For the page's
 * `<link rel="alternate" hreflang>` and for a sitemap. Empty with prefixes off: an address then shows
 * whichever language the visitor negotiated, so there is no other address to name.
 *
 * The links are root-relative unless `origin` (`https://example.com`) is given: no setting names the
 * site's own origin, and taking it from the request's Host would write whatever Host a client sent
 * (any name, with `ALLOWED_HOSTS=*` or a `.example.com` pattern) into a page that shared caches keep
 * for everyone. Crawlers resolve root-relative links against the page they are on.
 */
export function languageAlternates(
  path: string,
  settings: Pick<Settings, 'languages' | 'languageUrlPrefixes'>,
  origin = '',
): LanguageAlternate[] {
  if (!settings.languageUrlPrefixes) return [];
  return [
    ...settings.languages.map((language) => ({
      hreflang: language,
      href: `${origin}${prefixedPath(language, path)}`,
    })),
    { hreflang: 'x-default', href: `${origin}${path}` },
  ];
}
