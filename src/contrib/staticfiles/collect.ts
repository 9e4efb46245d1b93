/**
 * `keen collectstatic`'s work: find the source files, hash them (rewriting CSS references), and write
 * into STATIC_ROOT each file under its own name and its hashed name, their `.br`/`.gz` variants when
 * worth it, and the manifest. Unchanged files are not rewritten, so a second run writes nothing.
 */
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { StaticFilesError } from '../../errors.js';
import { projectRoot } from '../../project-root.js';
import {
  compress,
  decompressesTo,
  ENCODINGS,
  type Encoding,
  shouldCompress,
  worthKeeping,
} from './compress.js';
import { findSourceFiles, isWithin, type StaticSource } from './finder.js';
import { MANIFEST_NAME, serializeManifest } from './manifest.js';
import { StaticRootWriter } from './output.js';
import { postProcess } from './post-process.js';

/** What to collect, from where, into where. */
export interface CollectOptions {
  /** STATIC_ROOT: an absolute path. */
  staticRoot: string;
  /** STATIC_URL, to resolve CSS references written as `/static/...`. */
  staticUrl: string;
  /** Folders to collect from, first wins (see staticSources). */
  sources: readonly StaticSource[];
  /** Empty STATIC_ROOT first. */
  clear?: boolean;
  /** Write nothing; report what would be done. */
  dryRun?: boolean;
  /** Receives each progress line. */
  report?: (line: string) => void;
  /** Receives each warning (duplicates, skipped files); defaults to `report`. */
  warn?: (line: string) => void;
}

/** What a run did (or, in a dry run, would do), for the command's summary line. */
export interface CollectSummary {
  /** Source files collected. */
  files: number;
  /** Output files written (or, in a dry run, that would be): originals, hashed copies, variants, manifest. */
  written: number;
  /** Output files that already had the right bytes. */
  unchanged: number;
  /** Stale variants removed, plus entries removed by `clear`. */
  removed: number;
  /** Size of the collected files (each counted once, not per name). */
  bytes: number;
  /** Bytes the variants save compared with the originals, per encoding. */
  saved: Record<Encoding, number>;
  warnings: string[];
  /** Original path → hashed path, as written to the manifest. */
  paths: Map<string, string>;
}

/** Refuses a STATIC_ROOT that would collect into a source folder, or that holds one (`--clear` would delete it). */
async function checkStaticRoot(staticRoot: string, sources: readonly StaticSource[]): Promise<void> {
  if (!isAbsolute(staticRoot)) throw new StaticFilesError(`STATIC_ROOT ${staticRoot} must be absolute`);
  const real = (path: string) => realpath(path).catch(() => resolve(path));
  const root = await real(staticRoot);
  if (isWithin(await real(projectRoot()), root)) {
    throw new StaticFilesError(`STATIC_ROOT ${staticRoot} is the project folder or a parent of it`);
  }
  for (const source of sources) {
    const dir = await real(source.dir);
    if (isWithin(root, dir) || isWithin(dir, root)) {
      throw new StaticFilesError(
        `STATIC_ROOT ${staticRoot} overlaps the static folder of ${source.label} (${source.dir})`,
      );
    }
  }
}

/** Collects the static files; see the module comment. Throws StaticFilesError before writing anything when a CSS reference is broken. */
export async function collectStatic(options: CollectOptions): Promise<CollectSummary> {
  const report = options.report ?? (() => {});
  const dryRun = options.dryRun ?? false;
  const verb = dryRun ? 'would write' : 'wrote';
  await checkStaticRoot(options.staticRoot, options.sources);
  const { files: sourceFiles, warnings } = await findSourceFiles(options.sources);
  const warn = options.warn ?? report;
  for (const warning of warnings) warn(`warning: ${warning}`);

  const contents = new Map<string, Buffer>();
  for (const file of sourceFiles) contents.set(file.relative, await readFile(file.absolute));
  // Everything is hashed and checked before the first write: a broken reference leaves STATIC_ROOT as it was.
  const processed = postProcess(contents, options.staticUrl);

  const writer = new StaticRootWriter(options.staticRoot, dryRun);
  const summary: CollectSummary = {
    files: processed.size,
    written: 0,
    unchanged: 0,
    removed: 0,
    bytes: 0,
    saved: { br: 0, gzip: 0 },
    warnings,
    paths: new Map(),
  };
  if (options.clear) {
    summary.removed += await writer.clear();
    report(`${dryRun ? 'would clear' : 'cleared'} ${options.staticRoot}`);
  }
  const count = async (relative: string, content: Uint8Array) => {
    const result = await writer.write(relative, content);
    summary[result] += 1;
    return result === 'written';
  };

  for (const relative of [...processed.keys()].sort()) {
    const { content, hashed } = processed.get(relative) as { content: Buffer; hashed: string };
    summary.paths.set(relative, hashed);
    summary.bytes += content.byteLength;
    let wrote = (await count(relative, content)) ? 1 : 0;
    wrote += (await count(hashed, content)) ? 1 : 0;
    const variants: string[] = [];
    for (const { encoding, suffix } of ENCODINGS) {
      const variant = shouldCompress(relative)
        ? await variantFor(writer, relative + suffix, encoding, content)
        : null;
      for (const name of [relative, hashed]) {
        if (variant) wrote += (await count(name + suffix, variant)) ? 1 : 0;
        else if (await writer.remove(name + suffix)) summary.removed += 1;
      }
      if (variant) {
        summary.saved[encoding] += content.byteLength - variant.byteLength;
        variants.push(suffix.slice(1));
      }
    }
    if (wrote > 0)
      report(`${verb} ${relative} → ${hashed}${variants.length ? ` (+${variants.join(', +')})` : ''}`);
  }
  if (await count(MANIFEST_NAME, Buffer.from(serializeManifest(summary.paths)))) {
    report(`${verb} ${MANIFEST_NAME}`);
  }
  return summary;
}

/**
 * The `encoding` variant of `content`, or null when it is not at least 5% smaller. An existing variant
 * that still decompresses to `content` is reused: brotli at its best quality is slow, checking is not.
 */
async function variantFor(
  writer: StaticRootWriter,
  relative: string,
  encoding: Encoding,
  content: Buffer,
): Promise<Buffer | null> {
  const existing = await writer.read(relative);
  if (
    existing &&
    worthKeeping(existing.byteLength, content.byteLength) &&
    decompressesTo(existing, encoding, content)
  ) {
    return existing;
  }
  const fresh = compress(content, encoding);
  return worthKeeping(fresh.byteLength, content.byteLength) ? fresh : null;
}
