/**
 * The PDF's fonts: DejaVu Sans from the `dejavu-fonts-ttf` npm package (Latin, Cyrillic, Greek and
 * much more in one family, free licence), regular, bold, oblique and bold oblique, plus DejaVu Sans
 * Mono for code. pdfkit embeds only the glyphs a document uses (subsetting).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type FontStyle = 'regular' | 'bold' | 'italic' | 'boldItalic' | 'mono';

const FILES: Record<FontStyle, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  italic: 'DejaVuSans-Oblique.ttf',
  boldItalic: 'DejaVuSans-BoldOblique.ttf',
  mono: 'DejaVuSansMono.ttf',
};

let folder: string | null = null;

/** The package's ttf/ folder, found once through Node's resolution (works from dist/ and the image). */
function fontFolder(): string {
  if (folder) return folder;
  const require = createRequire(import.meta.url);
  const found = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  if (!existsSync(join(found, FILES.regular))) throw new Error(`DejaVu fonts not found in ${found}`);
  folder = found;
  return found;
}

/** Absolute paths of the five font files, by style. */
export function fontFiles(): Record<FontStyle, string> {
  const base = fontFolder();
  return Object.fromEntries(
    Object.entries(FILES).map(([style, file]) => [style, join(base, file)]),
  ) as Record<FontStyle, string>;
}
