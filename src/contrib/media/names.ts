/**
 * Stored names are generated, never taken from the client: `uploads/2026/11/<32 random hex>.png`.
 * The random part makes names unguessable and collision-free without asking the storage; the year
 * and month keep folders small. The client's file name survives only as sanitised metadata.
 */
import { randomBytes } from 'node:crypto';
import { MediaNameError } from '../../errors.js';
import { isMediaName } from './storage.js';

/** Where uploads go unless a field names another folder (Django's `upload_to`). */
export const DEFAULT_UPLOAD_PREFIX = 'uploads';
const MAX_ORIGINAL_NAME = 255;

/**
 * A new storage name: `<prefix>/YYYY/MM/<random>.<extension>`, the date in UTC.
 *
 * @example generateUploadName('png') // 'uploads/2026/11/0f3a…c9.png'
 */
export function generateUploadName(
  extension: string,
  prefix = DEFAULT_UPLOAD_PREFIX,
  now = new Date(),
): string {
  const year = String(now.getUTCFullYear());
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  const name = `${prefix.replace(/^\/+|\/+$/g, '')}/${year}/${month}/${randomBytes(16).toString('hex')}.${extension}`;
  if (!isMediaName(name)) throw new MediaNameError(name);
  return name;
}

/**
 * The client's file name, fit to keep and show: the last path segment only (browsers on Windows have
 * sent full paths), without control or bidi-override characters, NFC-normalised, at most 255 chars.
 */
export function sanitiseOriginalName(raw: string | undefined): string {
  const last = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = last
    .normalize('NFC')
    // C0/C1 controls and the bidi overrides that can make `gpj.exe` read as `exe.jpg`.
    .replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, '')
    .trim();
  return [...cleaned].slice(0, MAX_ORIGINAL_NAME).join('');
}
