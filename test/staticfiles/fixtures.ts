/** Temporary static folders for the static-file tests (never the repository's staticfiles/). */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** A fresh empty folder under the OS temp folder. */
export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `keen-${label}-`));
}

/** Writes `files` (relative path → content) under `root` and returns `root`. */
export function writeTree(root: string, files: Record<string, string | Buffer>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Every file under `root`, as sorted `/`-separated relative paths. */
export function listTree(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((path) => statSync(join(root, path)).isFile())
    .map((path) => relative(root, join(root, path)).split('\\').join('/'))
    .sort();
}

/** Each file's bytes and mtime, to show that a second run touched nothing. */
export function snapshot(root: string): Map<string, { bytes: string; mtimeMs: number }> {
  return new Map(
    listTree(root).map((path) => [
      path,
      {
        bytes: readFileSync(join(root, path)).toString('base64'),
        mtimeMs: statSync(join(root, path)).mtimeMs,
      },
    ]),
  );
}

/** Compressible CSS, large enough that both variants are well over 5% smaller. */
export const BIG_CSS = `${'.rule { color: red; margin: 0 auto; padding: 1rem; }\n'.repeat(60)}`;

/** Bytes that no compressor can shrink. */
export const RANDOM = randomBytes(4096);

/** A tiny valid-enough PNG-named file (only the name matters to the rules). */
export const PNG = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'binary'), Buffer.alloc(2048, 0)]);
