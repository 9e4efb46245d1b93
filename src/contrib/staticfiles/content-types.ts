/** Content types of static files by extension; text types carry `charset=utf-8` (WhiteNoise's default). */
import { posix } from 'node:path';

const TYPES: Record<string, string> = {
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  html: 'text/html',
  htm: 'text/html',
  txt: 'text/plain',
  csv: 'text/csv',
  md: 'text/markdown',
  xml: 'application/xml',
  json: 'application/json',
  map: 'application/json',
  webmanifest: 'application/manifest+json',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  wasm: 'application/wasm',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
};

/** Types that are text although they are not `text/*`. */
const TEXTUAL = new Set([
  'application/xml',
  'application/json',
  'application/manifest+json',
  'image/svg+xml',
]);

/** The `Content-Type` for a file name; unknown extensions are `application/octet-stream`. */
export function contentTypeFor(name: string): string {
  const type = TYPES[posix.extname(name).slice(1).toLowerCase()];
  if (!type) return 'application/octet-stream';
  return type.startsWith('text/') || TEXTUAL.has(type) ? `${type}; charset=utf-8` : type;
}
