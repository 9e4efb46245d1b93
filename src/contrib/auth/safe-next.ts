/**
 * Where to go after login: only a path on this site. `//evil.example`, `/\evil.example`, absolute URLs
 * and anything with control characters fall back to the default (no open redirect).
 */
export function safeNextUrl(next: string | undefined, fallback = '/'): string {
  if (!next) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return fallback;
  try {
    // A relative path resolved against a dummy origin must stay on that origin.
    const resolved = new URL(next, 'http://keen.invalid');
    if (resolved.origin !== 'http://keen.invalid') return fallback;
  } catch {
    return fallback;
  }
  return next;
}
