/** Content-hashed file names: `css/site.css` with content C becomes `css/site.<md5(C)[:12]>.css`. */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';

/** Hex digits of the hash kept in a file name (Django's manifest storage keeps 12). */
export const HASH_LENGTH = 12;

/** The first 12 hex digits of the MD5 of `content`. MD5 only names files here; it guards nothing. */
export function contentHash(content: Uint8Array): string {
  return createHash('md5').update(content).digest('hex').slice(0, HASH_LENGTH);
}

/** `css/site.css` + hash → `css/site.<hash>.css`; a name without an extension gets `.<hash>` appended. */
export function hashedName(relative: string, hash: string): string {
  const dir = posix.dirname(relative);
  const base = posix.basename(relative);
  const dot = base.lastIndexOf('.');
  // A leading dot is not an extension (".htaccess"), though collectstatic skips such files anyway.
  const named = dot > 0 ? `${base.slice(0, dot)}.${hash}${base.slice(dot)}` : `${base}.${hash}`;
  return dir === '.' ? named : `${dir}/${named}`;
}
