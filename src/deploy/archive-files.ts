/** File helpers for backups: checksums, recursive listings and copies, and tar through the system `tar`. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { cp, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { BackupError } from '../errors.js';

/** SHA-256 of what a stream holds, read to its end (a file, or a stored media object). */
export async function sha256Stream(stream: AsyncIterable<unknown>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** SHA-256 of a file, streamed (media files can be large). */
export function sha256File(file: string): Promise<string> {
  return sha256Stream(createReadStream(file));
}

/** Every regular file below `root`, as `/`-separated paths relative to it, sorted. */
export async function listFiles(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

export interface FileRecord {
  path: string;
  size: number;
  sha256: string;
}

/** Size and checksum of each listed file below `root`. */
export async function describeFiles(root: string, paths: string[]): Promise<FileRecord[]> {
  const records: FileRecord[] = [];
  for (const path of paths) {
    const file = join(root, path);
    records.push({ path, size: (await stat(file)).size, sha256: await sha256File(file) });
  }
  return records;
}

/** Copies a folder tree (no-op when the source does not exist). */
export async function copyTree(from: string, to: string): Promise<void> {
  if (existsSync(from)) await cp(from, to, { recursive: true, preserveTimestamps: true });
}

/** Runs the system `tar` (present on every Linux server and in the image); throws BackupError on failure. */
export function tar(args: string[]): void {
  const result = spawnSync('tar', args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new BackupError(`tar ${args[0]} failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
}
