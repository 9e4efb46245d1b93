/**
 * Where `keen import-django --media-from` reads the Django site's files: its MEDIA_ROOT folder, or the
 * R2/S3 bucket it used (`s3://bucket`, reached with the S3_* settings or the Django site's R2_* names).
 * Names come from the Django database, so they are checked before use: a name that climbs out of the
 * folder (`../`) or is absolute is refused like a missing file, never read.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AwsClient } from 'aws4fetch';
import { CommandError } from '../errors.js';
import { mediaFromEnv } from '../settings/media.js';

/** Files larger than this are listed, not copied: nothing a personal site's uploads should reach. */
export const MAX_MEDIA_FILE = 200 * 1024 * 1024;

/** A Django file on this disk, ready to read; `release` removes a downloaded copy. */
export interface FetchedFile {
  path: string;
  size: number;
  release(): Promise<void>;
}

export type FetchResult = FetchedFile | { missing: string };

export interface DjangoMediaSource {
  /** For the report: the folder, or `s3://bucket`. */
  readonly description: string;
  /** The file Django stored as `name`, or why it cannot be read. */
  fetch(name: string): Promise<FetchResult>;
  close(): Promise<void>;
}

/** A Django file name that stays inside its root: relative, no `..`, no backslashes or null bytes. */
export function isPlainDjangoName(name: string): boolean {
  if (!name || name.length > 1000 || /[\\\0]/.test(name) || isAbsolute(name)) return false;
  return name.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

const NOT_PLAIN = { missing: 'the name is not a plain relative path; not read' } as const;

function folderSource(root: string): DjangoMediaSource {
  const base = resolve(root);
  return {
    description: base,
    async fetch(name) {
      if (!isPlainDjangoName(name)) return NOT_PLAIN;
      const path = resolve(base, name);
      if (relative(base, path).startsWith('..')) return NOT_PLAIN;
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) return { missing: `not in ${base}` };
      if (info.size > MAX_MEDIA_FILE) return { missing: `larger than ${MAX_MEDIA_FILE} bytes; not copied` };
      return { path, size: info.size, release: async () => undefined };
    },
    close: async () => undefined,
  };
}

async function bucketSource(bucket: string, env: NodeJS.ProcessEnv): Promise<DjangoMediaSource> {
  const { s3 } = mediaFromEnv({ ...env, USE_R2: undefined, MEDIA_STORAGE: 's3', S3_BUCKET: bucket });
  if (!s3) throw new CommandError('--media-from s3://… needs the S3_* (or R2_*) settings');
  const client = new AwsClient({
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey.reveal(),
    service: 's3',
    region: s3.region,
  });
  const downloads = await mkdtemp(join(tmpdir(), 'keen-import-media-'));
  let count = 0;
  return {
    description: `s3://${s3.bucket}`,
    async fetch(name) {
      if (!isPlainDjangoName(name)) return NOT_PLAIN;
      const key = name.split('/').map(encodeURIComponent).join('/');
      let response: Response;
      try {
        response = await client.fetch(`${s3.endpointUrl}/${s3.bucket}/${key}`, {
          signal: AbortSignal.timeout(120_000),
        });
      } catch (error) {
        throw new CommandError(`cannot read ${s3.bucket}/${name}: ${(error as Error).message}`);
      }
      if (response.status === 404) return { missing: `not in the bucket ${s3.bucket}` };
      if (!response.ok || !response.body) {
        throw new CommandError(`cannot read ${s3.bucket}/${name}: HTTP ${response.status}`);
      }
      const length = Number(response.headers.get('content-length') ?? 0);
      if (length > MAX_MEDIA_FILE) {
        await response.body.cancel();
        return { missing: `larger than ${MAX_MEDIA_FILE} bytes; not copied` };
      }
      count += 1;
      const path = join(downloads, String(count));
      await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(path));
      const { size } = await stat(path);
      return { path, size, release: () => rm(path, { force: true }) };
    },
    close: () => rm(downloads, { recursive: true, force: true }),
  };
}

/** Opens `--media-from`'s value: `s3://bucket`, or a folder that must exist. */
export async function openDjangoMediaSource(
  spec: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DjangoMediaSource> {
  const bucket = /^s3:\/\/([^/]+)\/?$/.exec(spec)?.[1];
  if (bucket) return bucketSource(bucket, env);
  if (spec.includes('://')) throw new CommandError('--media-from takes a folder or s3://bucket');
  const info = await stat(spec).catch(() => null);
  if (!info?.isDirectory()) throw new CommandError(`--media-from: ${spec} is not a folder`);
  return folderSource(spec);
}
