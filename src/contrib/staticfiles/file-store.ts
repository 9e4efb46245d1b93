/**
 * What the static stage knows about each file it serves: where it is, its size, mtime, ETag, content
 * type and precompressed variants. Found lazily on the first request for a path and, in production,
 * kept in memory so later requests cost no file-system look-ups; in DEBUG every request looks again,
 * so edits show up. Only files that exist are remembered, so requests for random paths cannot grow it.
 *
 * Hashed (immutable) files up to a size cap are also kept in memory, bytes and all, once first served,
 * within a total budget (STATIC_MEMORY_FILE_MAX, STATIC_MEMORY_BUDGET): a name that never changes
 * content needs no disk look-up, open or stream again (nginx's open_file_cache, one step further).
 */
import { type FileHandle, open, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ENCODINGS, type Encoding } from './compress.js';
import { contentTypeFor } from './content-types.js';
import { isWithin } from './finder.js';

/** One stored form of a file: the file itself, or its `.br` or `.gz` variant. */
export interface Representation {
  path: string;
  size: number;
  mtimeMs: number;
  /** Strong: `"<mtime hex>-<size hex>"` of this form, so each encoding has its own. */
  etag: string;
  encoding: Encoding | null;
  /** The bytes, once kept in memory (immutable files within the budget). */
  bytes?: Buffer;
}

/** A servable static file. */
export interface StaticFile {
  /** Its `/`-separated path under the static URL. */
  relative: string;
  identity: Representation;
  /** Variants that exist, in preference order (br, then gzip). */
  variants: Map<Encoding, Representation>;
  contentType: string;
  /** The HTTP date of the file's mtime. */
  lastModified: string;
}

/** Where a store looks for files, and whether it remembers them. */
export interface FileStoreOptions {
  /** Folders searched in order; the first that has the path wins. */
  roots: readonly string[];
  /** Folders whose files may have `.br`/`.gz` variants beside them (STATIC_ROOT: collectstatic writes them). */
  variantRoots: readonly string[];
  /** Remember what was found (production). */
  cache: boolean;
  /** Keep the bytes of these files in memory: immutable names only, each up to `fileMaxBytes`. */
  memory?: { isImmutable(relative: string): boolean; fileMaxBytes: number; budgetBytes: number };
}

/** The real path of `relative` under `root` if it is a regular file there (symlinks may not leave root). */
async function fileUnder(
  root: string,
  relative: string,
): Promise<{ path: string; size: number; mtimeMs: number } | null> {
  try {
    const realRoot = await realpath(root);
    const path = await realpath(join(realRoot, relative));
    if (!isWithin(path, realRoot) || path === realRoot) return null;
    const info = await stat(path);
    return info.isFile() ? { path, size: info.size, mtimeMs: info.mtimeMs } : null;
  } catch {
    return null;
  }
}

function representation(
  found: { path: string; size: number; mtimeMs: number },
  encoding: Encoding | null,
): Representation {
  const etag = `"${Math.floor(found.mtimeMs).toString(16)}-${found.size.toString(16)}"`;
  return { ...found, etag, encoding };
}

/** Finds static files and remembers them; see the module comment. */
export class StaticFileStore {
  readonly #known = new Map<string, StaticFile>();
  /** Bytes held in memory so far, against the budget. */
  memoryUsed = 0;

  constructor(readonly options: FileStoreOptions) {}

  /** The file at `relative` (a `/`-separated path already checked by safeRelativePath), or null. */
  async lookup(relative: string): Promise<StaticFile | null> {
    const known = this.#known.get(relative);
    if (known) return known;
    const found = await this.#find(relative);
    if (found && this.options.cache) this.#known.set(relative, found);
    return found;
  }

  /** The file at `relative` if it was found before (production): no promise, no file system. */
  known(relative: string): StaticFile | undefined {
    return this.#known.get(relative);
  }

  /** Drops what is known about `relative` (the file changed or vanished under a running server). */
  forget(relative: string): void {
    this.#known.delete(relative);
  }

  /**
   * Opens `rep` for reading; null when it is gone or no longer the file that was looked up (collectstatic
   * replaced it), so the caller forgets it and looks again instead of sending a wrong Content-Length.
   */
  async open(rep: Representation): Promise<FileHandle | null> {
    const handle = await open(rep.path, 'r').catch(() => null);
    if (!handle) return null;
    const info = await handle.stat().catch(() => null);
    if (info && info.size === rep.size && info.mtimeMs === rep.mtimeMs) return handle;
    await handle.close();
    return null;
  }

  /**
   * The bytes of `rep` from memory, loading them on first use when `file` may be kept there; null when
   * it may not (mutable, too large, over budget), so the caller streams it from disk.
   */
  async bytesOf(file: StaticFile, rep: Representation): Promise<Buffer | null> {
    if (rep.bytes) return rep.bytes;
    const memory = this.options.memory;
    if (!this.options.cache || !memory || rep.size > memory.fileMaxBytes) return null;
    if (this.memoryUsed + rep.size > memory.budgetBytes || !memory.isImmutable(file.relative)) return null;
    const bytes = await readFile(rep.path).catch(() => null);
    // A file that changed since it was looked up is not kept: the caller's stream path checks it.
    if (!bytes || bytes.length !== rep.size || rep.bytes) return rep.bytes ?? null;
    rep.bytes = bytes;
    this.memoryUsed += bytes.length;
    return bytes;
  }

  async #find(relative: string): Promise<StaticFile | null> {
    for (const root of this.options.roots) {
      const found = await fileUnder(root, relative);
      if (!found) continue;
      const variants = new Map<Encoding, Representation>();
      if (this.options.variantRoots.includes(root)) {
        for (const { encoding, suffix } of ENCODINGS) {
          const variant = await fileUnder(root, relative + suffix);
          if (variant) variants.set(encoding, representation(variant, encoding));
        }
      }
      return {
        relative,
        identity: representation(found, null),
        variants,
        contentType: contentTypeFor(relative),
        lastModified: new Date(found.mtimeMs).toUTCString(),
      };
    }
    return null;
  }
}
