/**
 * Decoding the tail of a URL that names a file (static files, media) exactly once, refusing the forms
 * used to climb out of a folder: encoded slashes or backslashes, null bytes, and malformed escapes.
 */

/** The decoded tail, or null when it is encoded in a way no plain file name needs. */
export function decodeUrlTail(tail: string): string | null {
  if (/%2f|%5c|%00/i.test(tail)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(tail);
  } catch {
    return null;
  }
  return decoded.includes('\0') || decoded.includes('\\') ? null : decoded;
}
