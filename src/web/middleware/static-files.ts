/**
 * Stage 2, static (WhiteNoise's job): serves `STATIC_URL…` before any session work. Nginx serves
 * STATIC_ROOT in production; this is the fallback behind it and the only server in development.
 *
 * With DEBUG off (`manifest` mode) files come from STATIC_ROOT only, as `keen collectstatic` left them,
 * and the manifest must cover every declared asset or the app does not start (KEEN_E_STATIC). Hashed
 * names are cached for a year. In DEBUG (`sources` mode) files come from the apps' static folders, then
 * STATIC_ROOT, re-read on every request. No request path can leave those folders.
 */
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { declaredAssets } from '../../contrib/staticfiles/asset.js';
import { StaticFileStore } from '../../contrib/staticfiles/file-store.js';
import { staticSources } from '../../contrib/staticfiles/finder.js';
import { sendStaticFile, sendStaticFileFromMemory } from '../../contrib/staticfiles/respond.js';
import {
  defaultStaticMode,
  loadCheckedManifest,
  manifestStaticUrls,
  sourceStaticUrls,
} from '../../contrib/staticfiles/static-urls.js';
import { MethodNotAllowedError, NotFoundError } from '../../errors.js';
import type { Stage } from '../stage.js';
import { decodeUrlTail } from '../url-path.js';

/** WhiteNoise's "forever" for names that change whenever the content does. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
const ALLOWED = ['GET', 'HEAD'] as const;

/**
 * The relative file path for a URL tail, or null if it is not a plain path inside the root
 * (`..`, encoded slashes or backslashes, null bytes, hidden files).
 */
export function safeRelativePath(tail: string): string | null {
  const decoded = decodeUrlTail(tail);
  if (decoded === null) return null;
  const parts = decoded.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..' || part.startsWith('.'))) return null;
  return parts.join(sep);
}

/** The static stage: checks the manifest at start-up, then serves GET/HEAD under STATIC_URL and 405s the rest. */
export const staticFiles: Stage = {
  name: 'static',
  register(app, { settings, apps, logger, staticMode }) {
    const mode = staticMode ?? defaultStaticMode(settings);
    // Read and checked once, here: a missing manifest or entry stops the start, not a page.
    const manifest = mode === 'manifest' ? loadCheckedManifest(settings.staticRoot) : null;
    const sourceDirs = staticSources(apps).map((source) => source.dir);
    const roots = manifest ? [settings.staticRoot] : [...sourceDirs, settings.staticRoot];
    if (manifest) {
      app.decorate('staticUrls', manifestStaticUrls(settings.staticUrl, manifest, settings.staticRoot));
    } else {
      app.decorate('staticUrls', sourceStaticUrls(settings.staticUrl));
      for (const asset of declaredAssets()) {
        if (!roots.some((root) => existsSync(join(root, asset.path)))) {
          logger.warn({ asset: asset.path }, 'declared static file not found in any static folder');
        }
      }
    }

    const hashed = new Set(Object.values(manifest?.paths ?? {}));
    const store = new StaticFileStore({
      roots,
      variantRoots: [settings.staticRoot],
      cache: manifest !== null,
      memory: {
        isImmutable: (relative) => hashed.has(relative),
        fileMaxBytes: settings.staticMemoryFileMax,
        budgetBytes: settings.staticMemoryBudget,
      },
    });
    const shortCache = `public, max-age=${settings.debug ? 0 : 60}`;
    const cacheFor = (key: string) => (hashed.has(key) ? IMMUTABLE_CACHE : shortCache);
    const url = `${settings.staticUrl}*`;

    async function serveFromDisk(
      request: FastifyRequest,
      reply: FastifyReply,
      key: string | undefined,
      tail: string,
    ): Promise<FastifyReply> {
      // A second try covers a file replaced between look-up and open (collectstatic while serving).
      for (let attempt = 0; key !== undefined && attempt < 2; attempt++) {
        const file = await store.lookup(key);
        if (!file) break;
        if (await sendStaticFile(request, reply, file, cacheFor(key), store)) return reply;
        store.forget(key);
      }
      throw new NotFoundError(`No static file ${tail}`);
    }

    const config = { session: false, csrf: false };

    app.route({
      method: [...ALLOWED],
      url,
      config,
      exposeHeadRoute: false,
      // Not async: a hashed file already in memory is answered without a promise (the common case
      // behind no nginx); anything else goes on in serveFromDisk.
      handler(request, reply) {
        // The raw URL, decoded exactly once by safeRelativePath (the router's decoded copy would be twice).
        const tail = request.url.slice(settings.staticUrl.length).split('?')[0] ?? '';
        const relative = safeRelativePath(tail);
        const key = relative?.split(sep).join('/');
        const known = key === undefined ? undefined : store.known(key);
        if (known && sendStaticFileFromMemory(request, reply, known, cacheFor(known.relative))) return;
        return serveFromDisk(request, reply, key, tail);
      },
    });
    app.route({
      method: app.supportedMethods.filter((method) => !(ALLOWED as readonly string[]).includes(method)),
      url,
      config,
      async handler(request, reply) {
        reply.header('allow', ALLOWED.join(', '));
        throw new MethodNotAllowedError(ALLOWED, request.method);
      },
    });
  },
};
