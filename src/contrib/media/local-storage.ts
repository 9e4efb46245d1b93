/**
 * Media on this disk, under MEDIA_ROOT. Writes are atomic: the bytes go to a hidden temp file in the
 * target's own folder (so the rename never crosses file systems) and are renamed into place only when
 * complete, so a reader never sees half a file and a failed save leaves nothing under the name.
 * nginx serves MEDIA_ROOT in production; the app serves it only in DEBUG (./serve.ts).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MediaNameError, MediaStorageError, NotFoundError } from '../../errors.js';
import {
  checkMediaName,
  contentTypeForName,
  encodeMediaName,
  type MediaInfo,
  type MediaObject,
  type MediaStorage,
  type SaveOptions,
} from './storage.js';

/** True for errors from the file system (as opposed to an error of the stream being saved). */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

export class LocalMediaStorage implements MediaStorage {
  readonly kind = 'local';
  readonly #root: string;

  /** @param baseUrl the MEDIA_URL prefix, such as `/media/`. */
  constructor(
    root: string,
    readonly baseUrl: string,
  ) {
    this.#root = resolve(root);
  }

  /** The file's path; the name rules already exclude `..`, and this re-checks the joined result. */
  #path(name: string): string {
    const path = resolve(this.#root, ...checkMediaName(name).split('/'));
    if (!path.startsWith(this.#root + sep)) throw new MediaNameError(name);
    return path;
  }

  /** Refuses a path that a symlink inside MEDIA_ROOT leads out of it. */
  async #assertInsideRoot(name: string, path: string): Promise<void> {
    const [realRoot, real] = await Promise.all([realpath(this.#root), realpath(path)]);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new MediaNameError(name);
  }

  async save(name: string, stream: Readable, options: SaveOptions): Promise<void> {
    const target = this.#path(name);
    const folder = dirname(target);
    const temp = join(folder, `.${basename(target)}.${randomBytes(8).toString('hex')}.tmp`);
    let written = 0;
    try {
      await mkdir(folder, { recursive: true });
      await this.#assertInsideRoot(name, folder);
      await pipeline(
        stream,
        async function* count(source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            written += chunk.length;
            yield chunk;
          }
        },
        // `wx`: never write through a file someone placed at the temp name; flush before the rename.
        createWriteStream(temp, { flags: 'wx', mode: 0o644, flush: true }),
      );
      if (written !== options.size) {
        throw new MediaStorageError(`${name}: expected ${options.size} bytes, got ${written}`);
      }
      await rename(temp, target);
    } catch (error) {
      stream.destroy();
      await rm(temp, { force: true });
      if (isSystemError(error)) throw new MediaStorageError(`cannot write ${name}: ${error.code}`);
      throw error;
    }
  }

  async open(name: string): Promise<MediaObject> {
    const path = this.#path(name);
    const info = await this.#info(name, path);
    if (!info) throw new NotFoundError(`No media file ${name}`);
    return { ...info, stream: createReadStream(path) };
  }

  async stat(name: string): Promise<MediaInfo | null> {
    return this.#info(name, this.#path(name));
  }

  async #info(name: string, path: string): Promise<MediaInfo | null> {
    try {
      await this.#assertInsideRoot(name, path);
      const info = await stat(path);
      if (!info.isFile()) return null;
      return { size: info.size, contentType: contentTypeForName(name), lastModified: info.mtime };
    } catch (error) {
      if (isSystemError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return null;
      if (isSystemError(error)) throw new MediaStorageError(`cannot read ${name}: ${error.code}`);
      throw error;
    }
  }

  async exists(name: string): Promise<boolean> {
    return (await this.stat(name)) !== null;
  }

  async delete(name: string): Promise<void> {
    const path = this.#path(name);
    try {
      // The folder is checked, not the file: removing a symlink itself never touches its target.
      await this.#assertInsideRoot(name, dirname(path));
      await rm(path, { force: true });
    } catch (error) {
      if (isSystemError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return;
      if (isSystemError(error)) throw new MediaStorageError(`cannot delete ${name}: ${error.code}`);
      throw error;
    }
  }

  url(name: string): string {
    return `${this.baseUrl}${encodeMediaName(checkMediaName(name))}`;
  }
}
