/** The résumé's public addresses, in one place. */

export const RESUME_PATH = '/resume/';
/** The active profile's PDF. */
export const RESUME_PDF_PATH = '/resume/export/pdf/';

/** Any profile's PDF, for staff (previews of inactive profiles). */
export function profilePdfUrl(id: number): string {
  return `/resume/${id}/pdf/`;
}
