/**
 * Which language a response is in: the tags Keen accepts, and the negotiation order (Django's
 * LocaleMiddleware): a language in the URL prefix, then the visitor's choice (a cookie), then the
 * browser's `Accept-Language`, then `LANGUAGE_CODE`.
 */

/** A language tag as settings and cookies give it: `ru`, `en-us`, `pt-BR` (BCP 47, letters and hyphens). */
const TAG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;

/** The lower-cased tag, or null when it is not a language tag. */
export function normaliseTag(tag: string): string | null {
  const trimmed = tag.trim();
  return TAG.test(trimmed) ? trimmed.toLowerCase() : null;
}

/** `ru-ru` → `ru`: catalogues are per base language. */
export function baseLanguage(tag: string): string {
  const dash = tag.indexOf('-');
  return (dash === -1 ? tag : tag.slice(0, dash)).toLowerCase();
}

/** The enabled language `tag` stands for (`ru-RU` → `ru` when `ru` is enabled), or null. */
export function matchLanguage(tag: string, enabled: readonly string[]): string | null {
  const normal = normaliseTag(tag);
  if (!normal) return null;
  if (enabled.includes(normal)) return normal;
  const base = baseLanguage(normal);
  return enabled.includes(base) ? base : null;
}

/**
 * The best enabled language for an `Accept-Language` header (RFC 9110 weights; `*` and q=0 ignored), or
 * null. At most 20 entries are read: the header is the client's, and may be long.
 */
export function fromAcceptLanguage(header: string | undefined, enabled: readonly string[]): string | null {
  if (!header) return null;
  let best: string | null = null;
  let bestWeight = 0;
  const entries = header.split(',', 20);
  for (let index = 0; index < entries.length; index++) {
    const [range = '', ...params] = (entries[index] as string).split(';');
    let weight = 1;
    for (const param of params) {
      const [name, value] = param.split('=');
      if (name?.trim() === 'q') weight = Number(value);
    }
    // Equal weights keep the header's order, as browsers intend.
    if (!(weight > bestWeight) || weight > 1) continue;
    const language = matchLanguage(range, enabled);
    if (language) {
      best = language;
      bestWeight = weight;
    }
  }
  return best;
}

export interface LanguageSources {
  /** The language named by the URL's prefix (`/en/…`), when prefixes are on. */
  prefix?: string | null;
  /** The logged-in user's own setting, on the pages that follow it (the admin). */
  user?: string | null;
  /** The visitor's choice, from the language cookie. */
  cookie?: string | undefined;
  acceptLanguage?: string | undefined;
}

/** The response's language: prefix, then the user's setting, then cookie, then Accept-Language, then the default. */
export function negotiateLanguage(
  sources: LanguageSources,
  enabled: readonly string[],
  fallback: string,
): string {
  return (
    (sources.prefix ? matchLanguage(sources.prefix, enabled) : null) ??
    (sources.user ? matchLanguage(sources.user, enabled) : null) ??
    (sources.cookie ? matchLanguage(sources.cookie, enabled) : null) ??
    fromAcceptLanguage(sources.acceptLanguage, enabled) ??
    fallback
  );
}
