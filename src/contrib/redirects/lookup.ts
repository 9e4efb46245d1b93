/**
 * Finding where an old address went. Asked only for a GET or HEAD that is about to answer 404 (the
 * error boundary calls `app.redirectFor`), so pages that exist never pay for it; one indexed query.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { MovedPage } from '../../web/error-boundary.js';
import { redirects } from './schema.js';

/**
 * The path as stored: percent-decoded (so `/media/фото.jpg` reads as written in the admin), or null
 * when it does not decode.
 */
export function storedPathOf(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

/** Where an address whose old place names a path goes: the new path percent-encoded like a browser would. */
export function locationOf(newPath: string): string {
  // encodeURI leaves /, ?, #, & and an existing %XX alone and encodes spaces and non-ASCII letters.
  return encodeURI(newPath).replace(/%25([0-9A-Fa-f]{2})/g, '%$1');
}

export async function findRedirect(db: Db, path: string): Promise<MovedPage | null> {
  const oldPath = storedPathOf(path);
  if (oldPath === null || oldPath.length > 500) return null;
  const [row] = await db
    .select({ newPath: redirects.newPath })
    .from(redirects)
    .where(eq(redirects.oldPath, oldPath))
    .limit(1);
  if (!row) return null;
  return row.newPath === '' ? { status: 410 } : { status: 301, location: locationOf(row.newPath) };
}
