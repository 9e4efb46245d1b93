/**
 * The manifest `STATIC_ROOT/staticfiles.json`, written by `keen collectstatic`: for every collected file,
 * its content-hashed name. `{ "version": 1, "paths": { "css/site.css": "css/site.3f9a1c2b4d5e.css" } }`.
 * In production pages link the hashed names, and the static stage caches those for a year.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StaticFilesError } from '../../errors.js';

/** The manifest's file name, at the top of STATIC_ROOT. */
export const MANIFEST_NAME = 'staticfiles.json';

/** The manifest format version Keen writes and reads. */
export const MANIFEST_VERSION = 1;

/** The parsed manifest: original relative path → hashed relative path. */
export interface Manifest {
  version: typeof MANIFEST_VERSION;
  paths: Readonly<Record<string, string>>;
}

/** The manifest's text for `paths`: keys sorted so the same files always give the same bytes. */
export function serializeManifest(paths: ReadonlyMap<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const key of [...paths.keys()].sort()) sorted[key] = paths.get(key) as string;
  return `${JSON.stringify({ version: MANIFEST_VERSION, paths: sorted }, null, 2)}\n`;
}

/** Parses manifest text; `where` names the file in the error when the text is not a Keen manifest. */
export function parseManifest(text: string, where: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new StaticFilesError(`${where} is not valid JSON: run keen collectstatic again`);
  }
  const candidate = data as { version?: unknown; paths?: unknown };
  const paths = candidate?.paths;
  if (
    candidate?.version !== MANIFEST_VERSION ||
    typeof paths !== 'object' ||
    paths === null ||
    Object.values(paths).some((value) => typeof value !== 'string')
  ) {
    throw new StaticFilesError(
      `${where} is not a version ${MANIFEST_VERSION} static manifest: run keen collectstatic again`,
    );
  }
  return { version: MANIFEST_VERSION, paths: Object.freeze({ ...(paths as Record<string, string>) }) };
}

/** Reads `staticRoot`'s manifest; null when there is none. */
export function readManifest(staticRoot: string): Manifest | null {
  const file = join(staticRoot, MANIFEST_NAME);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StaticFilesError(`${file} cannot be read: ${(error as Error).message}`);
  }
  return parseManifest(text, file);
}
