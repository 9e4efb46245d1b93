/**
 * File and image fields for Drizzle schemas (Django's FileField and ImageField): a jsonb column that
 * holds what was stored, typed, and the helpers that fill one from an upload. The order that leaves no
 * orphan and no dangling row: store the file, then write the row in a transaction, and delete the
 * stored file if that fails ({@link withStoredFiles}).
 *
 * @example
 * export const photos = pgTable('gallery_photo', {
 *   id: serial('id').primaryKey(),
 *   title: varchar('title', { length: 200 }).notNull(),
 *   image: imageField('image').notNull(),
 *   attachment: fileField('attachment'),
 * });
 */
import { createReadStream } from 'node:fs';
import { jsonb } from 'drizzle-orm/pg-core';
import { FileTypeError } from '../../errors.js';
import { inspectImage } from './images.js';
import type { Media } from './media.js';
import { DEFAULT_UPLOAD_PREFIX, generateUploadName } from './names.js';
import { DEFAULT_ACCEPT, FILE_KINDS, type FileKindName, IMAGE_ACCEPT } from './sniff.js';
import { describeKinds, type ReceivedFile } from './upload.js';

/** The value of a file field: where the file is stored and what it is. */
export interface StoredFile {
  /** The storage name, such as `uploads/2026/11/3f9a….pdf`. */
  name: string;
  size: number;
  /** The type sniffed from the content. */
  contentType: string;
  /** The client's file name, sanitised; for display only. */
  originalName: string;
}

/** The value of an image field: a stored file plus its displayed size. */
export interface StoredImage extends StoredFile {
  width: number;
  height: number;
}

export type StoredFileKind = 'file' | 'image';

/**
 * Which jsonb columns are file or image fields, keyed by the column's config object (Drizzle hands the
 * builder's config to the built column), so the admin can tell them from plain JSON columns.
 */
const storedFileKinds = new WeakMap<object, StoredFileKind>();

/** The (protected) config object a column builder shares with the column it builds. */
function configOf(builderOrColumn: object): object {
  return (builderOrColumn as { config: object }).config;
}

/** A jsonb column holding a {@link StoredFile} (nullable unless `.notNull()` is added). */
export function fileField(column: string) {
  const builder = jsonb(column).$type<StoredFile>();
  storedFileKinds.set(configOf(builder), 'file');
  return builder;
}

/** A jsonb column holding a {@link StoredImage}. */
export function imageField(column: string) {
  const builder = jsonb(column).$type<StoredImage>();
  storedFileKinds.set(configOf(builder), 'image');
  return builder;
}

/** `file` or `image` for a column made by {@link fileField} / {@link imageField}; otherwise undefined. */
export function storedFileKindOf(column: object): StoredFileKind | undefined {
  return storedFileKinds.get(configOf(column));
}

export interface SaveOptions {
  /** The folder stored names start with (Django's `upload_to`); default `uploads`. */
  prefix?: string;
  /** The types this field takes; default JPEG, PNG, WebP, GIF and PDF for files, the four images for images. */
  accept?: readonly FileKindName[];
}

function checkAccepted(file: ReceivedFile, accept: readonly FileKindName[]): void {
  if (!accept.includes(file.kind)) {
    throw new FileTypeError(describeKinds(accept), `${file.field} is ${file.kind}`);
  }
}

async function store(media: Media, file: ReceivedFile, prefix: string): Promise<StoredFile> {
  const kind = FILE_KINDS[file.kind];
  const name = generateUploadName(kind.extension, prefix);
  await media.storage.save(name, createReadStream(file.path), {
    contentType: kind.contentType,
    size: file.size,
  });
  return { name, size: file.size, contentType: kind.contentType, originalName: file.originalName };
}

/** Checks the type of a received file, stores it under a generated name, and returns the field value. */
export async function saveFile(
  media: Media,
  file: ReceivedFile,
  options: SaveOptions = {},
): Promise<StoredFile> {
  checkAccepted(file, options.accept ?? DEFAULT_ACCEPT);
  return store(media, file, options.prefix ?? DEFAULT_UPLOAD_PREFIX);
}

/**
 * Checks that a received file is a valid image (decoded in full, within the pixel limit), stores it,
 * and returns the field value with its width and height.
 */
export async function saveImage(
  media: Media,
  file: ReceivedFile,
  options: SaveOptions = {},
): Promise<StoredImage> {
  checkAccepted(file, options.accept ?? IMAGE_ACCEPT);
  const size = await inspectImage(file.path, file.kind, media.maxImagePixels);
  return { ...(await store(media, file, options.prefix ?? DEFAULT_UPLOAD_PREFIX)), ...size };
}

/** Deletes a stored file and its thumbnails (when a row goes, or its file is replaced). */
export async function deleteStoredFile(media: Media, value: StoredFile): Promise<void> {
  await Promise.all([media.storage.delete(value.name), media.thumbnails.deleteAll(value.name)]);
}

/**
 * Runs `work`, which stores files (passing each value to `track`) and then writes the rows that point
 * at them. If anything in it throws, every tracked file is deleted before the error goes on, so no
 * stored object is left that no row points at. When it succeeds, the thumbnails of the tracked images
 * are asked for (made in the background, so the pages that show them rarely wait for the original).
 *
 * @example
 * await withStoredFiles(media, async (track) => {
 *   const image = track(await saveImage(media, form.files.image));
 *   await atomic(db, (tx) => tx.insert(photos).values({ title, image }));
 * });
 */
export async function withStoredFiles<T>(
  media: Media,
  work: (track: <V extends StoredFile | null | undefined>(value: V) => V) => Promise<T>,
): Promise<T> {
  const stored: StoredFile[] = [];
  try {
    const result = await work((value) => {
      if (value) stored.push(value);
      return value;
    });
    for (const value of stored) if ('width' in value) media.thumbnails.request(value.name);
    return result;
  } catch (error) {
    const results = await Promise.allSettled(stored.map((value) => deleteStoredFile(media, value)));
    results.forEach((result, index) => {
      // The work's error is the one to report; a failed cleanup leaves an orphan worth a log line.
      if (result.status === 'rejected') {
        media.log.error(
          { err: result.reason, name: stored[index]?.name },
          'could not delete an orphaned upload',
        );
      }
    });
    throw error;
  }
}
