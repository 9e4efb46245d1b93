/**
 * Writing into STATIC_ROOT, and nowhere else. A file whose bytes are already there is left untouched
 * (its mtime, and so its ETag, stay the same); others are written to a hidden temporary file and renamed
 * over the old one, so a running server never reads half a file. In a dry run nothing is written but the
 * answers are the same.
 */
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative as relativePath } from 'node:path';
import { StaticFilesError } from '../../errors.js';
import { isAssetPath } from './asset.js';
import { isWithin } from './finder.js';

/** What happened (or, in a dry run, would happen) to one output file. */
export type WriteResult = 'written' | 'unchanged';

/** Writes and removes files under one STATIC_ROOT. */
export class StaticRootWriter {
  #realRoot: string | undefined;
  /** Set by a dry-run `clear`: later reads must answer as if the folder had been emptied. */
  #clearedInDryRun = false;

  constructor(
    readonly root: string,
    readonly dryRun: boolean,
  ) {}

  /** The absolute path of `relative` (a `/`-separated path), refusing anything outside the root. */
  destination(relative: string): string {
    const absolute = join(this.root, ...relative.split('/'));
    if (!isAssetPath(relative) || !isWithin(absolute, this.root) || absolute === this.root) {
      throw new StaticFilesError(`refusing to write ${relative}: it is not a path inside ${this.root}`);
    }
    return absolute;
  }

  /** The file's current bytes, or null when it does not exist. Symlinks are refused, not followed. */
  async read(relative: string): Promise<Buffer | null> {
    const absolute = this.destination(relative);
    if (this.#clearedInDryRun) return null;
    const info = await lstat(absolute).catch(() => null);
    if (!info) return null;
    if (!info.isFile()) {
      throw new StaticFilesError(`refusing to overwrite ${absolute}: it is not a regular file`);
    }
    return readFile(absolute);
  }

  /** Writes `content` at `relative` unless those exact bytes are already there. */
  async write(relative: string, content: Uint8Array): Promise<WriteResult> {
    const existing = await this.read(relative);
    if (existing && Buffer.compare(existing, content) === 0) return 'unchanged';
    if (this.dryRun) return 'written';
    const absolute = this.destination(relative);
    await mkdir(dirname(absolute), { recursive: true });
    await this.#checkFolder(dirname(absolute));
    const temporary = join(dirname(absolute), `.${process.pid}.${Date.now()}.tmp`);
    await writeFile(temporary, content);
    await rename(temporary, absolute);
    return 'written';
  }

  /** Removes `relative` if it exists (a variant that is no longer worth keeping); true if it did. */
  async remove(relative: string): Promise<boolean> {
    const absolute = this.destination(relative);
    if (this.#clearedInDryRun || !(await lstat(absolute).catch(() => null))) return false;
    if (!this.dryRun) await rm(absolute, { force: true });
    return true;
  }

  /** Removes everything inside the root, keeping the root folder itself; returns how many entries. */
  async clear(): Promise<number> {
    const entries = await readdir(this.root).catch(() => []);
    if (this.dryRun) this.#clearedInDryRun = true;
    else for (const entry of entries) await rm(join(this.root, entry), { recursive: true, force: true });
    return entries.length;
  }

  /** A folder reached through a symlink could be anywhere: its real path must stay inside the root. */
  async #checkFolder(folder: string): Promise<void> {
    this.#realRoot ??= await realpath(this.root);
    const real = await realpath(folder);
    if (!isWithin(real, this.#realRoot)) {
      const shown = relativePath(this.root, folder) || '.';
      throw new StaticFilesError(`refusing to write into ${shown}: it leads outside ${this.root}`);
    }
  }
}
