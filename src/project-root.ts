/** The folder holding Keen's package.json, found from this module's own location (src/ or dist/). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InstallationError } from './errors.js';

let cached: string | undefined;

/** Absolute path of the project root; relative paths in settings resolve against it. */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new InstallationError('package.json not found above the source folder');
    dir = parent;
  }
  cached = dir;
  return dir;
}
