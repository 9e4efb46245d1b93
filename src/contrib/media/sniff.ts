/**
 * File types by content: the first bytes of a file (its "magic number") say what it is, whatever its
 * name or the Content-Type the client claimed. Only the types Keen accepts are recognised.
 */

/** A type Keen can accept, with the extension its stored name gets and a label for messages. */
export interface FileKind {
  contentType: string;
  extension: string;
  label: string;
  /** Decodable by sharp, so it may be an image field's value and have thumbnails. */
  image: boolean;
}

export const FILE_KINDS = {
  jpeg: { contentType: 'image/jpeg', extension: 'jpg', label: 'JPEG', image: true },
  png: { contentType: 'image/png', extension: 'png', label: 'PNG', image: true },
  gif: { contentType: 'image/gif', extension: 'gif', label: 'GIF', image: true },
  webp: { contentType: 'image/webp', extension: 'webp', label: 'WebP', image: true },
  pdf: { contentType: 'application/pdf', extension: 'pdf', label: 'PDF', image: false },
} as const satisfies Record<string, FileKind>;

export type FileKindName = keyof typeof FILE_KINDS;

/** What uploads accept unless a field says otherwise. */
export const DEFAULT_ACCEPT: readonly FileKindName[] = ['jpeg', 'png', 'webp', 'gif', 'pdf'];
/** What image fields accept. */
export const IMAGE_ACCEPT: readonly FileKindName[] = ['jpeg', 'png', 'webp', 'gif'];

/** Bytes needed to tell every known type apart (WebP's "RIFF" + size + "WEBP"). */
export const SNIFF_LENGTH = 12;

const ascii = (bytes: Uint8Array, start: number, text: string) =>
  bytes.length >= start + text.length &&
  Buffer.from(bytes.subarray(start, start + text.length)).toString('latin1') === text;

const startsWith = (bytes: Uint8Array, signature: readonly number[]) =>
  bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte);

/** The type the first bytes of a file show, or null when it is none Keen knows. */
export function sniffFileKind(head: Uint8Array): FileKindName | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'gif';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'webp';
  if (ascii(head, 0, '%PDF-')) return 'pdf';
  return null;
}
