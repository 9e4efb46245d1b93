/**
 * Static URLs for declared assets (Django's `static()`), in one of two modes:
 *
 * - `manifest` (production, DEBUG off): `/static/css/site.3f9a1c2b4d5e.css`, from STATIC_ROOT's manifest.
 *   Every declared asset is checked when the app is built; no manifest, or a missing entry or file,
 *   stops the start with KEEN_E_STATIC and the advice to run `keen collectstatic`.
 * - `sources` (DEBUG): `/static/css/site.css`, served straight from the apps' static folders, so no
 *   collecting is needed and edits show at the next reload.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { StaticFilesError } from '../../errors.js';
import type { Settings } from '../../settings.js';
import { declaredAssets, type StaticAsset } from './asset.js';
import { MANIFEST_NAME, type Manifest, readManifest } from './manifest.js';

/** `manifest`: hashed names from STATIC_ROOT (production); `sources`: plain names from the app folders. */
export type StaticMode = 'manifest' | 'sources';

/** The mode for these settings when the app is not told otherwise: DEBUG serves the sources. */
export function defaultStaticMode(settings: Pick<Settings, 'debug'>): StaticMode {
  return settings.debug ? 'sources' : 'manifest';
}

/** Turns declared assets into URLs. */
export interface StaticUrls {
  readonly mode: StaticMode;
  url(asset: StaticAsset): string;
}

/** A relative path as a URL path: each segment percent-encoded, the slashes kept. */
export function urlPath(relative: string): string {
  return relative.split('/').map(encodeURIComponent).join('/');
}

/** Plain URLs: `STATIC_URL` + the asset's path. */
export function sourceStaticUrls(staticUrl: string): StaticUrls {
  return { mode: 'sources', url: (asset) => `${staticUrl}${urlPath(asset.path)}` };
}

/** Hashed URLs from `manifest`; an asset declared after the start-up check and missing throws. */
export function manifestStaticUrls(staticUrl: string, manifest: Manifest, staticRoot: string): StaticUrls {
  // Every page links the same few files: each URL is built once (the manifest is fixed until a restart).
  const built = new Map<string, string>();
  return {
    mode: 'manifest',
    url(asset) {
      let url = built.get(asset.path);
      if (url === undefined) {
        const hashed = manifest.paths[asset.path];
        if (hashed === undefined) throw notInManifest(asset.path, staticRoot);
        url = `${staticUrl}${urlPath(hashed)}`;
        built.set(asset.path, url);
      }
      return url;
    },
  };
}

function notInManifest(path: string, staticRoot: string): StaticFilesError {
  return new StaticFilesError(
    `static file ${path} is not in ${join(staticRoot, MANIFEST_NAME)}: check the name, then run keen collectstatic`,
  );
}

/**
 * STATIC_ROOT's manifest, with every declared asset checked: it must have an entry whose hashed file
 * exists. Throws {@link StaticFilesError} otherwise. Runs at start-up, never per request.
 */
export function loadCheckedManifest(
  staticRoot: string,
  assets: readonly StaticAsset[] = declaredAssets(),
): Manifest {
  const manifest = readManifest(staticRoot);
  if (!manifest) {
    throw new StaticFilesError(
      `no static files manifest at ${join(staticRoot, MANIFEST_NAME)}: run keen collectstatic ` +
        '(with DEBUG off, pages link the collected, hashed files in STATIC_ROOT)',
    );
  }
  for (const asset of assets) {
    const hashed = manifest.paths[asset.path];
    if (hashed === undefined) throw notInManifest(asset.path, staticRoot);
    if (!existsSync(join(staticRoot, ...hashed.split('/')))) {
      throw new StaticFilesError(
        `static file ${asset.path} is in the manifest as ${hashed}, but STATIC_ROOT ${staticRoot} ` +
          'does not have that file: run keen collectstatic',
      );
    }
  }
  return manifest;
}

/**
 * Checks, for `keen serve` before it starts any worker, that the static files are collected when the
 * settings need them (DEBUG off). Throws {@link StaticFilesError} if not.
 */
export function checkCollectedStatic(settings: Readonly<Settings>): void {
  if (defaultStaticMode(settings) === 'manifest') loadCheckedManifest(settings.staticRoot);
}

/** The app's static URLs (set by the static stage); plain URLs if the pipeline has no static stage. */
export function staticUrlsOf(server: FastifyInstance): StaticUrls {
  return server.hasDecorator('staticUrls')
    ? server.staticUrls
    : sourceStaticUrls(server.keen.settings.staticUrl);
}

declare module 'fastify' {
  interface FastifyInstance {
    /** URLs of declared static assets (the static stage). */
    staticUrls: StaticUrls;
  }
}
