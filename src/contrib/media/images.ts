/**
 * Images through sharp: an uploaded image is decoded in full before it is accepted (a file named .png
 * that is not a PNG, a truncated file, or a pixel bomb is refused), and resized variants are made
 * once, outside requests, and kept in the storage beside the originals, under
 * `thumbs/<original>-<width>.webp`.
 */
import { Readable } from 'node:stream';
import type SharpModule from 'sharp';
import { BadRequestError, InvalidImageError, NotFoundError } from '../../errors.js';
import { FILE_KINDS, type FileKindName } from './sniff.js';
import type { MediaStorage } from './storage.js';

let sharpModule: Promise<typeof SharpModule> | undefined;

/**
 * sharp (libvips) loaded on the first image, not at import: it is the heaviest module a worker would
 * load at boot, and boot time is how fast a crashed worker is replaced.
 */
function loadSharp(): Promise<typeof SharpModule> {
  sharpModule ??= import('sharp').then(({ default: sharp }) => {
    // libvips' operation cache would keep deleted temp files open and hold memory a web server does
    // not need: each image is decoded once, here.
    sharp.cache(false);
    return sharp;
  });
  return sharpModule;
}

/** The widths thumbnails are made in; any other is refused, so a client cannot make us resize at will. */
export const THUMBNAIL_WIDTHS: readonly number[] = Object.freeze([160, 320, 640, 1280]);
/** Images with more pixels are refused (50 MP: far above a phone photo, far below a pixel bomb). */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** Strict decoding: a truncated or corrupt image is an error, not a half-grey picture. */
const decodeOptions = (maxPixels: number) =>
  ({ failOn: 'error', limitInputPixels: maxPixels, sequentialRead: true }) as const;

/** An image's displayed size (EXIF rotation applied). */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Decodes the whole image in `path` and returns its size; throws {@link InvalidImageError} when it is
 * not a valid `kind` image or has more than `maxPixels` pixels.
 */
export async function inspectImage(
  path: string,
  kind: FileKindName,
  maxPixels = MAX_IMAGE_PIXELS,
): Promise<ImageSize> {
  if (!FILE_KINDS[kind].image) throw new InvalidImageError(`${kind} is not an image type`);
  const sharp = await loadSharp();
  try {
    const metadata = await sharp(path, decodeOptions(maxPixels)).metadata();
    if (metadata.format !== kind) {
      throw new InvalidImageError(`the content starts like ${kind} but decodes as ${metadata.format}`);
    }
    // The header alone says nothing about the pixels: decoding them (to a tiny size, cheaply)
    // finds truncated and corrupt files now rather than when someone views them.
    await sharp(path, decodeOptions(maxPixels)).resize(32, 32, { fit: 'inside' }).raw().toBuffer();
    const { width, height } = metadata.autoOrient;
    return { width, height };
  } catch (error) {
    if (error instanceof InvalidImageError) throw error;
    throw new InvalidImageError(error instanceof Error ? error.message : String(error));
  }
}

/** Where the `width` variant of `name` is kept. */
export function thumbnailName(name: string, width: number): string {
  return `thumbs/${name}-${width}.webp`;
}

/** True for stored names that may have thumbnails: images by extension, and not thumbnails themselves. */
export function isThumbnailable(name: string): boolean {
  if (name.startsWith('thumbs/')) return false;
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return Object.values(FILE_KINDS).some((kind) => kind.image && kind.extension === extension);
}

/** How thumbnails get made outside the request that wants them: a background job, or in this process. */
export type ThumbnailScheduler = (name: string) => Promise<unknown>;

/**
 * An image's thumbnails: made once, in every width, outside page requests (by the `media.thumbnails`
 * job, or in the background of this process when no job queue runs), and reused afterwards.
 */
export class Thumbnails {
  /** Generations in progress, so two requests for the same image's thumbnails resize it once. */
  readonly #pending = new Map<string, Promise<void>>();
  /** How many thumbnails this process has generated (for the logs and the tests). */
  generated = 0;
  /** Set by the media app once the job queue exists; until then thumbnails are made in this process. */
  scheduler: ThumbnailScheduler = (name) => this.makeAll(name);

  constructor(
    readonly storage: MediaStorage,
    readonly maxPixels = MAX_IMAGE_PIXELS,
    readonly log?: { warn(object: object, message: string): void },
  ) {}

  /**
   * The stored name of the `width` thumbnail of `name` if it is made, else null. Throws 400 for a
   * width outside {@link THUMBNAIL_WIDTHS} and 404 when `name` cannot have thumbnails.
   */
  async find(name: string, width: number): Promise<string | null> {
    if (!THUMBNAIL_WIDTHS.includes(width)) {
      throw new BadRequestError('Bad request.', `thumbnail widths are ${THUMBNAIL_WIDTHS.join(', ')}`);
    }
    if (!isThumbnailable(name)) throw new NotFoundError(`${name} has no thumbnails`);
    const thumb = thumbnailName(name, width);
    return (await this.storage.exists(thumb)) ? thumb : null;
  }

  /** Asks for `name`'s thumbnails to be made, without waiting for them; a failure is logged. */
  request(name: string): void {
    if (!isThumbnailable(name)) return;
    this.scheduler(name).catch((error: unknown) =>
      this.log?.warn({ err: error, name: name.slice(0, 200) }, 'could not schedule thumbnails'),
    );
  }

  /**
   * Makes every missing thumbnail of `name` (idempotent: a job tried twice makes nothing twice). An
   * original that is gone (its row was rolled back or deleted since) is not an error: nothing to make.
   */
  makeAll(name: string): Promise<void> {
    if (!isThumbnailable(name)) return Promise.resolve();
    let job = this.#pending.get(name);
    if (!job) {
      job = this.#makeMissing(name).finally(() => this.#pending.delete(name));
      this.#pending.set(name, job);
    }
    return job;
  }

  async #makeMissing(name: string): Promise<void> {
    // One look-up per width, side by side (on S3 each is a round trip).
    const made = await Promise.all(
      THUMBNAIL_WIDTHS.map((width) => this.storage.exists(thumbnailName(name, width))),
    );
    const missing = THUMBNAIL_WIDTHS.filter((_, index) => !made[index]);
    if (missing.length === 0 || !(await this.storage.exists(name))) return;
    const original = await this.storage.open(name);
    // Read into memory once for every width: originals are bounded by FILE_UPLOAD_MAX_SIZE. A storage
    // failure while reading stays a storage error.
    const input = Buffer.concat((await original.stream.toArray()) as Buffer[]);
    for (const width of missing) {
      let bytes: Buffer;
      try {
        bytes = await resize(input, width, this.maxPixels);
      } catch (error) {
        throw new InvalidImageError(`cannot make a thumbnail of ${name}: ${(error as Error).message}`);
      }
      const thumb = thumbnailName(name, width);
      await this.storage.save(thumb, Readable.from([bytes]), {
        contentType: 'image/webp',
        size: bytes.length,
      });
      this.generated++;
    }
  }

  /** Resolves when the thumbnails being made in this process are done (tests; a clean shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#pending.values()]);
  }

  /** Deletes every thumbnail of `name` (when the original goes). */
  async deleteAll(name: string): Promise<void> {
    if (!isThumbnailable(name)) return;
    await Promise.all(THUMBNAIL_WIDTHS.map((width) => this.storage.delete(thumbnailName(name, width))));
  }
}

/** A WebP at most `width` pixels wide (never enlarged), upright, without the original's metadata. */
async function resize(input: Buffer, width: number, maxPixels: number): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(input, decodeOptions(maxPixels))
    .rotate()
    .resize({ width, withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
}
