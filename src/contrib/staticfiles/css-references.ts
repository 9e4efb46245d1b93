/**
 * The references inside a CSS file, `url(...)` and `@import "..."`, and how to point them at hashed
 * names. A reference is resolved against the CSS file's folder (or STATIC_URL when it starts with it);
 * external ones (`data:`, `https:`, `//host`), bare fragments (`#id`) and other absolute paths are left
 * alone. The query and fragment are kept.
 */
import { posix } from 'node:path';

/** One reference as written in the CSS. */
export interface CssReference {
  /** Offsets of the URL text (without quotes) in the CSS. */
  start: number;
  end: number;
  url: string;
}

/** A reference that points at a static file. */
export interface ResolvedReference {
  /** The file's path relative to the static root (decoded), e.g. `img/logo.png`. */
  target: string;
  /** The URL as written, up to (not including) `?` or `#`. */
  path: string;
  /** The `?query#fragment` part, kept as written. */
  suffix: string;
}

const URL_FUNCTION = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)/dgi;
const IMPORT_STRING = /@import\s+(?:"([^"]*)"|'([^']*)')/dgi;
const COMMENT = /\/\*[\s\S]*?(?:\*\/|$)/g;

/** Every `url()` and `@import "..."` reference outside comments, in order of appearance. */
export function findCssReferences(css: string): CssReference[] {
  const comments = [...css.matchAll(COMMENT)].map((m) => [m.index, m.index + m[0].length] as const);
  const inComment = (at: number) => comments.some(([from, to]) => at >= from && at < to);
  const found: CssReference[] = [];
  for (const pattern of [URL_FUNCTION, IMPORT_STRING]) {
    for (const match of css.matchAll(pattern)) {
      if (inComment(match.index)) continue;
      const group = [1, 2, 3].find((g) => match[g] !== undefined) as number;
      const [start, end] = match.indices?.[group] ?? [0, 0];
      found.push({ start, end, url: match[group] as string });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** True for references that do not point at a file of this site's static folders. */
function isExternal(url: string, staticUrl: string): boolean {
  return (
    url === '' ||
    url.startsWith('#') ||
    url.startsWith('//') ||
    /^[a-z][a-z0-9+.-]*:/i.test(url) ||
    (url.startsWith('/') && !url.startsWith(staticUrl))
  );
}

/**
 * Where `url`, found in the CSS file `cssRelative`, points: a static file, null for an external
 * reference, or `outside` when a relative path climbs above the static root.
 */
export function resolveCssReference(
  url: string,
  cssRelative: string,
  staticUrl: string,
): ResolvedReference | 'outside' | null {
  const trimmed = url.trim();
  if (isExternal(trimmed, staticUrl)) return null;
  const cut = trimmed.search(/[?#]/);
  const path = cut === -1 ? trimmed : trimmed.slice(0, cut);
  const suffix = cut === -1 ? '' : trimmed.slice(cut);
  if (path === '') return null;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Not percent-encoded text after all: look it up as written.
  }
  const joined = decoded.startsWith(staticUrl)
    ? posix.normalize(decoded.slice(staticUrl.length))
    : posix.join(posix.dirname(cssRelative), decoded);
  if (joined === '..' || joined.startsWith('../') || posix.isAbsolute(joined)) return 'outside';
  return { target: joined, path, suffix };
}

/** The reference rewritten to `hashedTarget`: only the file name changes, so the form stays as written. */
export function rewrittenReference(reference: ResolvedReference, hashedTarget: string): string {
  const slash = reference.path.lastIndexOf('/');
  const written = reference.path.slice(slash + 1);
  const hashedBase = posix.basename(hashedTarget);
  // Keep percent-encoding if the author used it (a file name with a space, say).
  const segment = written === posix.basename(reference.target) ? hashedBase : encodeURIComponent(hashedBase);
  return `${reference.path.slice(0, slash + 1)}${segment}${reference.suffix}`;
}

/** `css` with each reference in `replacements` (keyed by start offset) swapped for its new text. */
export function applyReplacements(
  css: string,
  references: readonly CssReference[],
  replacements: ReadonlyMap<number, string>,
): string {
  let out = '';
  let at = 0;
  for (const reference of references) {
    const replacement = replacements.get(reference.start);
    if (replacement === undefined) continue;
    out += css.slice(at, reference.start) + replacement;
    at = reference.end;
  }
  return out + css.slice(at);
}
