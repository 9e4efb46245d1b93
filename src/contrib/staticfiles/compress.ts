/**
 * Precompressed variants written beside collected files: `name.br` (brotli, best quality) and `name.gz`
 * (gzip level 9). The static stage (or nginx's `gzip_static`) sends them to clients that accept them,
 * so nothing is compressed per request.
 */
import { posix } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';

/** Extensions of files that are already compressed: compressing them again gains nothing. */
export const SKIP_COMPRESSION = new Set([
  'jpg',
  'jpeg',
  'png',
  'gif',
  'webp',
  'avif',
  'ico',
  'woff',
  'woff2',
  'zip',
  'gz',
  'br',
  'tgz',
  'bz2',
  'xz',
  'mp4',
  'webm',
  'pdf',
]);

/** A variant is kept only when it is at most this fraction of the original (5% smaller or better). */
export const MAX_RATIO = 0.95;

/** The variant encodings, with the suffix of their files. */
export const ENCODINGS = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/** A Content-Encoding Keen precompresses for: `br` or `gzip`. */
export type Encoding = (typeof ENCODINGS)[number]['encoding'];

/** False for images, fonts, archives and media, whose formats are compressed already. */
export function shouldCompress(relative: string): boolean {
  const ext = posix.extname(relative).slice(1).toLowerCase();
  return !SKIP_COMPRESSION.has(ext);
}

/** True when `compressed` is small enough, compared with `originalSize`, to be worth keeping. */
export function worthKeeping(compressedSize: number, originalSize: number): boolean {
  return originalSize > 0 && compressedSize <= originalSize * MAX_RATIO;
}

/**
 * Compresses `content`. Gzip's header carries no file name and a zero mtime (Node never writes them),
 * so the same input always gives the same bytes and a second collectstatic run changes nothing.
 */
export function compress(content: Uint8Array, encoding: Encoding): Buffer {
  if (encoding === 'gzip') return gzipSync(content, { level: 9 });
  return brotliCompressSync(content, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: content.byteLength,
    },
  });
}

/** True when `variant` decompresses to exactly `content` (an existing variant can then be kept). */
export function decompressesTo(variant: Uint8Array, encoding: Encoding, content: Uint8Array): boolean {
  try {
    const plain = encoding === 'gzip' ? gunzipSync(variant) : brotliDecompressSync(variant);
    return Buffer.compare(plain, content) === 0;
  } catch {
    return false;
  }
}
