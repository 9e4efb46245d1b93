/**
 * The PDF's download name, from the full name: exact (Cyrillic kept) in `filename*` for browsers that
 * read RFC 5987, transliterated to ASCII in `filename` for the rest.
 */
import { slugify } from '../../../text/slug.js';

export interface PdfFileNames {
  /** `Anna_Petrova_Resume.pdf` */
  ascii: string;
  /** `Анна_Петрова_Резюме.pdf` */
  utf8: string;
}

/** Characters no file system or browser takes in a file name; `\p{Cc}` are the control characters. */
const UNSAFE = /[\\/:*?"<>|\p{Cc}]+/gu;

export function resumeFileNames(fullName: string, suffix: { ascii: string; local: string }): PdfFileNames {
  const words = slugify(fullName, 100).split('-').filter(Boolean);
  const ascii = [...words.map((word) => word[0]!.toUpperCase() + word.slice(1)), suffix.ascii].join('_');
  const local = fullName.replace(UNSAFE, ' ').trim().split(/\s+/).filter(Boolean).slice(0, 10);
  return { ascii: `${ascii}.pdf`, utf8: `${[...local, suffix.local].join('_')}.pdf` };
}

/** RFC 5987's attr-char set: anything else is percent-encoded. */
function encodeExtValue(text: string): string {
  return encodeURIComponent(text).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266). */
export function contentDisposition(
  names: PdfFileNames,
  disposition: 'attachment' | 'inline' = 'attachment',
): string {
  return `${disposition}; filename="${names.ascii}"; filename*=UTF-8''${encodeExtValue(names.utf8)}`;
}
