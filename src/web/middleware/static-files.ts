/**
 * Stage 2, static (WhiteNoise's job): serves files under /static/ from STATIC_ROOT, then from each app's
 * static/ folder, before any session work. Nginx serves them in production; this is the fallback and the
 * only server in development. No request path can leave those folders.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { NotFoundError } from '../../errors.js';
import type { Stage } from '../stage.js';

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
};

/**
 * The relative file path for a URL tail, or null if it is not a plain path inside the root
 * (`..`, encoded slashes or backslashes, null bytes, hidden files).
 */
export function safeRelativePath(tail: string): string | null {
  if (/%2f|%5c|%00/i.test(tail)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(tail);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..' || part.startsWith('.'))) return null;
  return parts.join(sep);
}

/** Finds the file in the first root that has it, refusing symlinks that lead outside that root. */
export async function findStaticFile(roots: readonly string[], relative: string): Promise<string | null> {
  for (const root of roots) {
    try {
      const realRoot = await realpath(root);
      const real = await realpath(join(realRoot, relative));
      if (!real.startsWith(realRoot + sep)) continue;
      if ((await stat(real)).isFile()) return real;
    } catch {
      // Not in this root; try the next.
    }
  }
  return null;
}

export const staticFiles: Stage = {
  name: 'static',
  register(app, { settings, apps }) {
    const roots = [settings.staticRoot, ...apps.flatMap((a) => (a.staticDir ? [a.staticDir] : []))];
    const maxAge = settings.debug ? 0 : 60;
    app.get(`${settings.staticUrl}*`, { config: { session: false, csrf: false } }, async (request, reply) => {
      const tail = (request.params as { '*': string })['*'].split('?')[0] ?? '';
      const relative = safeRelativePath(tail);
      const file = relative ? await findStaticFile(roots, relative) : null;
      if (!file) throw new NotFoundError(`No static file ${tail}`);
      const info = await stat(file);
      reply
        .type(CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
        .header('content-length', info.size)
        .header('cache-control', `public, max-age=${maxAge}`)
        .header('last-modified', info.mtime.toUTCString());
      return reply.send(createReadStream(file));
    });
  },
};
