/**
 * Static asset handles (Django's `{% static %}`, made checkable). Code that links a static file declares
 * it once, at module level:
 *
 * @example const siteCss = staticAsset('css/site.css'); // then <link href={context.staticUrl(siteCss)} />
 *
 * Declaring at import time is the point: every handle exists before the app is built, so the static stage
 * checks them all against the manifest at start-up, and a file that was never collected stops the start
 * instead of becoming a broken link on some page.
 */
import { StaticFilesError } from '../../errors.js';

/** A declared static file, by its path relative to a static folder (`css/site.css`). */
export interface StaticAsset {
  readonly path: string;
}

const declared = new Map<string, StaticAsset>();

/**
 * True for a plain relative path with `/` separators: no empty, `.`, `..` or hidden segments, no
 * backslash, query, fragment or control character. Collected files and URLs are built from such paths.
 */
export function isAssetPath(path: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (path === '' || /[\\?#\u0000-\u001f]/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && !segment.startsWith('.'));
}

/** Declares a static file and returns its handle; the same path always gives the same handle. */
export function staticAsset(path: string): StaticAsset {
  if (!isAssetPath(path)) {
    throw new StaticFilesError(`staticAsset("${path}"): give a relative path such as "css/site.css"`);
  }
  let asset = declared.get(path);
  if (!asset) {
    asset = Object.freeze({ path });
    declared.set(path, asset);
  }
  return asset;
}

/** Every handle declared so far in this process, in declaration order. */
export function declaredAssets(): readonly StaticAsset[] {
  return [...declared.values()];
}
