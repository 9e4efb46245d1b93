/**
 * The media service the installed apps share: the storage the settings choose, thumbnails, and the
 * URLs pages use. The media app builds one at start-up and exposes it as `app.media`.
 */
import type { Logger } from 'pino';
import type { Settings } from '../../settings.js';
import { MAX_IMAGE_PIXELS, Thumbnails } from './images.js';
import { LocalMediaStorage } from './local-storage.js';
import { S3MediaStorage } from './s3-storage.js';
import { encodeMediaName, type MediaStorage } from './storage.js';

/** The app route that makes thumbnails on demand (outside MEDIA_URL, which nginx serves itself). */
export const THUMBNAIL_PATH = '/thumbnails/';

export interface Media {
  readonly storage: MediaStorage;
  readonly thumbnails: Thumbnails;
  /** Images with more pixels are refused. */
  readonly maxImagePixels: number;
  readonly log: Logger;
  /** The public URL of a stored file. */
  url(name: string): string;
  /** The URL of a thumbnail `width` pixels wide (a redirect to it, or to the original until it is made). */
  thumbnailUrl(name: string, width: number): string;
  /** An `<img srcset>` of `name`'s thumbnails in `widths` (each one of THUMBNAIL_WIDTHS). */
  thumbnailSrcset(name: string, widths: readonly number[]): string;
}

/** The storage MEDIA_STORAGE names: MEDIA_ROOT served at MEDIA_URL, or the S3 bucket. */
export function createMediaStorage(settings: Readonly<Settings>): MediaStorage {
  if (settings.mediaStorage === 's3' && settings.s3) return new S3MediaStorage(settings.s3);
  return new LocalMediaStorage(settings.mediaRoot, settings.mediaUrl);
}

export interface MediaOptions {
  /** Default: the one the settings choose. */
  storage?: MediaStorage;
  maxImagePixels?: number;
}

/** Builds the media service (tests pass their own storage). */
export function createMedia(settings: Readonly<Settings>, log: Logger, options: MediaOptions = {}): Media {
  const storage = options.storage ?? createMediaStorage(settings);
  const maxImagePixels = options.maxImagePixels ?? MAX_IMAGE_PIXELS;
  const thumbnailUrl = (name: string, width: number) =>
    `${THUMBNAIL_PATH}${encodeMediaName(name)}?w=${width}`;
  return {
    storage,
    thumbnails: new Thumbnails(storage, maxImagePixels, log),
    maxImagePixels,
    log,
    url: (name) => storage.url(name),
    thumbnailUrl,
    thumbnailSrcset: (name, widths) =>
      widths.map((width) => `${thumbnailUrl(name, width)} ${width}w`).join(', '),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The media service (the media app); absent when that app is not installed. */
    media: Media;
  }
}
