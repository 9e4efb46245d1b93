/**
 * The Django site's files: the featured images, the résumé photos, and every `/media/…` file a post or
 * a résumé text links to (CKEditor uploads). Each one is read from `--media-from`, checked like an
 * upload (its type sniffed from its bytes, an image decoded in full), and stored in Keen's media
 * storage; the rows then hold Keen's values (a cover is a StoredImage) and the HTML Keen's URLs.
 *
 * A file keeps its Django name when that name is a valid Keen name with the extension of its real type,
 * so `/media/…` links keep working as they are. Otherwise (a Cyrillic or spaced name, a PNG called
 * .jpg, a name taken by other bytes) it is stored under a name made from its SHA-256, which a second run
 * finds again, and the old address gets a redirect. A copy is read back and its size and checksum
 * compared before the rows are written; files that cannot be found are listed, never skipped silently.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import type { StoredFile, StoredImage } from '../contrib/media/fields.js';
import { inspectImage } from '../contrib/media/images.js';
import type { Media } from '../contrib/media/media.js';
import { sanitiseOriginalName } from '../contrib/media/names.js';
import {
  DEFAULT_ACCEPT,
  FILE_KINDS,
  type FileKindName,
  IMAGE_ACCEPT,
  SNIFF_LENGTH,
  sniffFileKind,
} from '../contrib/media/sniff.js';
import { isMediaName } from '../contrib/media/storage.js';
import { type RedirectRow, redirects } from '../contrib/redirects/schema.js';
import type { Db, Tx } from '../db/client.js';
import { sha256File, sha256Stream } from '../deploy/archive-files.js';
import { CommandError, InvalidImageError } from '../errors.js';
import type { DjangoMediaSource, FetchedFile } from './media-source.js';
import { planTable, type TablePlan } from './plan.js';
import type { DjangoSource } from './source.js';

/** Django's MEDIA_URL on coreofkeen.com (and Django's usual one). */
export const DJANGO_MEDIA_URL = '/media/';

/** What the blog and résumé importers need from the media step. */
export interface ImportedMedia {
  /** Keen's value for a Django image field, or null (empty, missing, or not copied). */
  image(djangoName: string): StoredImage | null;
  /** The HTML with every link to a copied Django file pointing at Keen's copy. */
  rewriteHtml(html: string): string;
}

/** When no `--media-from` is given: nothing stored, HTML as it was. */
export const NO_MEDIA: ImportedMedia = { image: () => null, rewriteHtml: (html) => html };

/** A file a Django row points at. */
export interface MediaReference {
  name: string;
  /** An image field's value (must be an image) or a link in HTML (an image or a PDF). */
  use: 'image' | 'link';
  /** The row, for the report: `blog_post "slug"`. */
  row: string;
}

const LINK_ATTRIBUTE = /\b(src|href)(\s*=\s*)(?:"([^"]*)"|'([^']*)')/gi;

/** The Django file name a link points at, with what follows it (`?…`, `#…`), or null for other links. */
function linkedName(url: string, mediaUrl: string): { name: string; suffix: string } | null {
  const plain = url.replace(/&amp;/g, '&').trim();
  if (!plain.startsWith(mediaUrl)) return null;
  const end = plain.search(/[?#]/);
  const path = end === -1 ? plain : plain.slice(0, end);
  try {
    const name = decodeURIComponent(path.slice(mediaUrl.length));
    return name ? { name, suffix: end === -1 ? '' : plain.slice(end) } : null;
  } catch {
    return null;
  }
}

/** Every Django file an HTML text links to. */
export function linkedNames(html: string, mediaUrl: string): string[] {
  const names: string[] = [];
  for (const match of html.matchAll(LINK_ATTRIBUTE)) {
    const found = linkedName(match[3] ?? match[4] ?? '', mediaUrl);
    if (found) names.push(found.name);
  }
  return names;
}

/** The files the Django rows point at: image fields, and links in the HTML the importers will store. */
export async function mediaReferences(
  source: DjangoSource,
  present: ReadonlySet<string>,
  mediaUrl: string,
): Promise<MediaReference[]> {
  const references: MediaReference[] = [];
  const add = (row: string, image: string | null, ...html: (string | null)[]) => {
    if (image) references.push({ name: image, use: 'image', row });
    for (const text of html) {
      for (const name of linkedNames(text ?? '', mediaUrl)) references.push({ name, use: 'link', row });
    }
  };
  const posts = await source.rows<{ slug: string; featured_image: string | null; content: string }>(
    'SELECT slug, featured_image, content FROM blog_post ORDER BY id',
  );
  for (const post of posts) add(`blog_post "${post.slug}"`, post.featured_image, post.content);
  if (present.has('resume_profile')) {
    const profiles = await source.rows<{ full_name: string; photo: string | null; summary: string }>(
      'SELECT full_name, photo, summary FROM resume_profile ORDER BY id',
    );
    for (const profile of profiles)
      add(`resume_profile "${profile.full_name}"`, profile.photo, profile.summary);
  }
  if (present.has('resume_experience')) {
    const jobs = await source.rows<{ company: string; description: string }>(
      'SELECT company, description FROM resume_experience ORDER BY id',
    );
    for (const job of jobs) add(`resume_experience "${job.company}"`, null, job.description);
  }
  return references;
}

/** One Django file and what the import does with it. */
export interface MediaFilePlan {
  djangoName: string;
  referencedBy: string[];
  /** Copy it, already stored as it is, or left out (with `reason`). */
  action: 'copy' | 'same' | 'missing' | 'refused';
  reason?: string;
  /** Keen's value for it (for copy and same). */
  stored?: StoredFile | StoredImage;
  sha256?: string;
  fetched?: FetchedFile;
}

export interface MediaPlan {
  files: MediaFilePlan[];
  media: ImportedMedia;
  /** Old addresses whose file now lives elsewhere: `/media/<Django name>` → Keen's URL. */
  redirects: { oldPath: string; newPath: string }[];
}

async function headOf(path: string): Promise<Uint8Array> {
  const handle = await open(path);
  try {
    const buffer = new Uint8Array(SNIFF_LENGTH);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_LENGTH, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The Django name when Keen can serve it under that name with the right type, else null. */
function keptName(djangoName: string, kind: FileKindName): string | null {
  const extension = djangoName.slice(djangoName.lastIndexOf('.') + 1).toLowerCase();
  const expected = kind === 'jpeg' ? ['jpg', 'jpeg'] : [FILE_KINDS[kind].extension];
  return isMediaName(djangoName) && expected.includes(extension) ? djangoName : null;
}

/** A name made from the content, in the Django file's folder when that folder is a valid name. */
function contentName(djangoName: string, kind: FileKindName, sha256: string): string {
  const folder = djangoName.includes('/') ? djangoName.slice(0, djangoName.lastIndexOf('/')) : '';
  const base = folder && isMediaName(folder) ? folder : 'uploads';
  return `${base}/${sha256.slice(0, 32)}.${FILE_KINDS[kind].extension}`;
}

/** Whether `name` is free, holds exactly these bytes, or holds other bytes. */
async function storedState(
  media: Media,
  name: string,
  size: number,
  sha256: string,
): Promise<'absent' | 'same' | 'other'> {
  const info = await media.storage.stat(name);
  if (!info) return 'absent';
  if (info.size !== size) return 'other';
  return (await sha256Stream((await media.storage.open(name)).stream)) === sha256 ? 'same' : 'other';
}

/** Reads, checks and places one file (nothing is written to Keen's storage here). */
async function planFile(
  file: MediaFilePlan,
  use: MediaReference['use'],
  from: DjangoMediaSource,
  media: Media,
): Promise<void> {
  const fetched = await from.fetch(file.djangoName);
  if ('missing' in fetched) {
    file.action = 'missing';
    file.reason = fetched.missing;
    return;
  }
  file.fetched = fetched;
  const kind = sniffFileKind(await headOf(fetched.path));
  const accept = use === 'image' ? IMAGE_ACCEPT : DEFAULT_ACCEPT;
  if (!kind || !accept.includes(kind)) {
    file.action = 'refused';
    file.reason = `${kind ? FILE_KINDS[kind].label : 'its content'} is not one of ${accept.map((k) => FILE_KINDS[k].label).join(', ')}`;
    return;
  }
  let size: { width: number; height: number } | null = null;
  if (FILE_KINDS[kind].image) {
    try {
      size = await inspectImage(fetched.path, kind, media.maxImagePixels);
    } catch (error) {
      if (!(error instanceof InvalidImageError)) throw error;
      file.action = 'refused';
      file.reason = `not a valid image (${error.message.slice(0, 200)})`;
      return;
    }
  }
  const sha256 = await sha256File(fetched.path);
  file.sha256 = sha256;
  // The Django name if it is free (or holds these bytes already), else the content's own name.
  let name = keptName(file.djangoName, kind) ?? contentName(file.djangoName, kind, sha256);
  let state = await storedState(media, name, fetched.size, sha256);
  if (state === 'other') {
    name = contentName(file.djangoName, kind, sha256);
    state = await storedState(media, name, fetched.size, sha256);
  }
  file.action = state === 'same' ? 'same' : 'copy';
  const stored: StoredFile = {
    name,
    size: fetched.size,
    contentType: FILE_KINDS[kind].contentType,
    originalName: sanitiseOriginalName(file.djangoName),
  };
  file.stored = size ? { ...stored, ...size } : stored;
}

/**
 * Plans every referenced file: read from `from`, checked, named, compared with Keen's storage. Without
 * `from`, nothing is read and the files are listed as not copied.
 */
export async function planMedia(
  references: readonly MediaReference[],
  from: DjangoMediaSource | null,
  media: Media | null,
  mediaUrl: string,
): Promise<MediaPlan> {
  const byName = new Map<string, MediaFilePlan>();
  const uses = new Map<string, MediaReference['use']>();
  for (const reference of references) {
    const file = byName.get(reference.name) ?? {
      djangoName: reference.name,
      referencedBy: [],
      action: 'missing',
      reason: 'not copied: no --media-from given',
    };
    if (!file.referencedBy.includes(reference.row)) file.referencedBy.push(reference.row);
    byName.set(reference.name, file);
    // A file used as an image anywhere must be an image.
    if (reference.use === 'image' || !uses.has(reference.name)) uses.set(reference.name, reference.use);
  }
  const files = [...byName.values()];
  if (from && media) {
    for (const file of files) await planFile(file, uses.get(file.djangoName) ?? 'link', from, media);
  }
  const storedByName = new Map(
    files.flatMap((file) => (file.stored ? [[file.djangoName, file.stored]] : [])),
  );
  const keenUrl = (stored: StoredFile) => (media ? media.url(stored.name) : stored.name);
  const redirects: MediaPlan['redirects'] = [];
  // Old links were on the Django site's own host only when its MEDIA_URL was a path.
  if (mediaUrl.startsWith('/')) {
    for (const [djangoName, stored] of storedByName) {
      const url = keenUrl(stored);
      const oldPath = `${mediaUrl}${djangoName}`;
      if (decodeURI(url) !== oldPath) redirects.push({ oldPath, newPath: url });
    }
  }
  return {
    files,
    redirects,
    media: {
      image(djangoName) {
        const stored = storedByName.get(djangoName);
        return stored && 'width' in stored ? stored : null;
      },
      rewriteHtml: (html) =>
        html.replace(
          LINK_ATTRIBUTE,
          (whole, attribute: string, equals: string, double?: string, single?: string) => {
            const found = linkedName(double ?? single ?? '', mediaUrl);
            const stored = found && storedByName.get(found.name);
            if (!found || !stored) return whole;
            const quote = double === undefined ? "'" : '"';
            return `${attribute}${equals}${quote}${keenUrl(stored)}${found.suffix.replace(/&/g, '&amp;')}${quote}`;
          },
        ),
    },
  };
}

/**
 * Stores the files the plan copies, reads each back and compares its size and SHA-256; throws when a
 * copy differs, before any row is written.
 */
export async function copyMedia(plan: MediaPlan, media: Media): Promise<number> {
  let copied = 0;
  for (const file of plan.files) {
    if (file.action !== 'copy' || !file.stored || !file.fetched) continue;
    const { name, size, contentType } = file.stored;
    await media.storage.save(name, createReadStream(file.fetched.path), { contentType, size });
    if ((await storedState(media, name, size, file.sha256 as string)) !== 'same') {
      throw new CommandError(
        `the copy of ${file.djangoName} (stored as ${name}) does not match the original`,
      );
    }
    copied += 1;
  }
  return copied;
}

/** Removes the downloaded copies (S3); a folder source has none. */
export async function releaseMedia(plan: MediaPlan): Promise<void> {
  for (const file of plan.files) await file.fetched?.release();
}

type RedirectValues = { id: number; oldPath: string; newPath: string };

/** The redirects for renamed files, planned by old address like every other table. */
export async function planRedirects(
  db: Db,
  plan: MediaPlan,
): Promise<TablePlan<RedirectValues, RedirectRow>> {
  return planTable(
    'redirect',
    plan.redirects.map((row, index) => ({ id: index + 1, ...row })),
    // Only the addresses under Django's MEDIA_URL are this step's: other redirects are the editors'.
    (await db.select().from(redirects)).filter((row) =>
      plan.redirects.some((r) => r.oldPath === row.oldPath),
    ),
    { source: (row) => row.oldPath, target: (row) => row.oldPath },
    (from, to) => from.newPath === to.newPath,
  );
}

export async function applyRedirects(tx: Tx, plan: TablePlan<RedirectValues, RedirectRow>): Promise<void> {
  for (const row of plan.inserts)
    await tx.insert(redirects).values({ oldPath: row.oldPath, newPath: row.newPath });
  for (const { from, to } of plan.updates) {
    await tx.update(redirects).set({ newPath: from.newPath }).where(eq(redirects.id, to.id));
  }
}
