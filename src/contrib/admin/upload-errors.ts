/**
 * Why an upload was refused, in the page's language: the media errors' own messages are English (for
 * logs and API clients). Shared by the change form's file fields and other admin upload endpoints
 * (the blog editor's pasted images), so one refusal reads the same everywhere.
 */
import { FileTooLargeError, FileTypeError, InvalidImageError, type KeenError } from '../../errors.js';
import type { AdminTranslate } from './messages.js';

/** True for the errors a saved upload can still be refused with (after it arrived whole). */
export function isUploadRefusal(error: unknown): error is FileTypeError | InvalidImageError {
  return error instanceof FileTypeError || error instanceof InvalidImageError;
}

export function uploadErrorText(error: KeenError, t: AdminTranslate, language: string): string {
  if (error instanceof FileTooLargeError) {
    return t('upload.tooLarge', { megabytes: Math.round((error.limit / (1024 * 1024)) * 10) / 10 });
  }
  if (error instanceof FileTypeError) {
    const kinds = new Intl.ListFormat(language, { type: 'disjunction' }).format(error.accepted);
    return t('upload.type', { kinds });
  }
  if (error instanceof InvalidImageError) return t('upload.invalidImage');
  return t('upload.empty');
}
