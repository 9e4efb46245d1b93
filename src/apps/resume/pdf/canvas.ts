/**
 * Drawing text into columns of a pdfkit document with the résumé's page-break rules: a line is never
 * cut (pdfkit breaks between lines), and a heading or an entry's title block only starts where at
 * least its first line of content fits after it; otherwise it moves to the next page.
 */
import type PDFDocument from 'pdfkit';
import type { FontStyle } from './fonts.js';
import type { TextBlock, TextRun } from './rich-text.js';

export interface Column {
  x: number;
  width: number;
}

export const COLOURS = {
  text: '#1f2937',
  muted: '#6b7280',
  accent: '#2563eb',
  band: '#eef2f7',
  rule: '#d1d9e6',
} as const;

/** Space between a block and the next, in points. */
const BLOCK_GAP = 4;
const LINE_GAP = 1.5;

function styleOf(run: Pick<TextRun, 'bold' | 'italic' | 'code'>): FontStyle {
  if (run.code) return 'mono';
  if (run.bold && run.italic) return 'boldItalic';
  if (run.bold) return 'bold';
  if (run.italic) return 'italic';
  return 'regular';
}

export class PdfCanvas {
  /** The colour text is being drawn in, set again on a page pdfkit adds in the middle of a paragraph. */
  private colour: string = COLOURS.text;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    /** Where each page's content starts and must end. */
    readonly top: number,
    readonly bottom: number,
    /** Draws what every page has behind its text (the sidebar's band). */
    background: (doc: PDFKit.PDFDocument) => void,
  ) {
    doc.on('pageAdded', () => {
      background(doc);
      doc.fillColor(this.colour);
    });
  }

  use(style: FontStyle, size: number, colour: string = COLOURS.text): this {
    this.colour = colour;
    this.doc.font(style).fontSize(size).fillColor(colour);
    return this;
  }

  /** The height of one line in `style` at `size`. */
  lineHeight(style: FontStyle, size: number): number {
    this.doc.font(style).fontSize(size);
    return this.doc.currentLineHeight(true) + LINE_GAP;
  }

  /** The height `text` takes in the column, in `style` at `size`. */
  heightOf(text: string, column: Column, style: FontStyle, size: number): number {
    this.doc.font(style).fontSize(size);
    return this.doc.heightOfString(text, { width: column.width, lineGap: LINE_GAP });
  }

  /** Starts a new page when `height` does not fit below the current position. */
  ensureSpace(height: number, newPage: () => void): void {
    if (this.doc.y + height > this.bottom) newPage();
  }

  /** One line or paragraph of plain text, then moves below it. */
  text(
    text: string,
    column: Column,
    style: FontStyle,
    size: number,
    options: { colour?: string; link?: string | null; gapAfter?: number } = {},
  ): void {
    this.use(style, size, options.colour ?? (options.link ? COLOURS.accent : COLOURS.text));
    this.doc.text(text, column.x, this.doc.y, {
      width: column.width,
      lineGap: LINE_GAP,
      ...(options.link ? { link: options.link, underline: false } : {}),
    });
    this.doc.y += options.gapAfter ?? 0;
  }

  /** Styled runs as one paragraph in the column (pdfkit continues them on one line where they fit). */
  runs(runs: readonly TextRun[], column: Column, size: number, colour: string = COLOURS.text): void {
    const y = this.doc.y;
    runs.forEach((run, index) => {
      this.use(styleOf(run), run.code ? size - 1 : size, run.link ? COLOURS.accent : colour);
      const options = {
        width: column.width,
        lineGap: LINE_GAP,
        continued: index < runs.length - 1,
        link: run.link,
        underline: run.link !== null,
      };
      if (index === 0) this.doc.text(run.text, column.x, y, options);
      else this.doc.text(run.text, options);
    });
  }

  /** Sanitized rich text as paragraphs, lists, headings, quotes and code. */
  richText(blocks: readonly TextBlock[], column: Column, size: number, newPage: () => void): void {
    for (const block of blocks) {
      const indent = block.kind === 'bullet' || block.kind === 'number' ? 12 + block.depth * 12 : 0;
      const quote = block.kind === 'quote' ? 10 : 0;
      const inner = { x: column.x + indent + quote, width: column.width - indent - quote };
      const blockSize = block.kind === 'heading' ? size + 1 : size;
      const plain = block.runs.map((run) => run.text).join('');
      const firstLine = this.lineHeight('regular', blockSize);
      // A heading keeps its first following line with it; any block starts only where a line fits.
      this.ensureSpace(block.kind === 'heading' ? firstLine * 2.2 : firstLine, newPage);
      const y = this.doc.y;
      if (indent > 0) {
        const marker = block.kind === 'number' ? `${block.number}.` : '•';
        this.use('regular', blockSize, COLOURS.accent);
        this.doc.text(marker, column.x + block.depth * 12, y, { width: 12, lineBreak: false });
      }
      if (quote > 0) {
        const height = this.heightOf(plain, inner, 'italic', blockSize);
        this.doc.save().rect(column.x, y, 2, height).fill(COLOURS.rule).restore();
      }
      this.doc.y = y;
      const runs = block.kind === 'heading' ? block.runs.map((run) => ({ ...run, bold: true })) : block.runs;
      const styled = block.kind === 'quote' ? runs.map((run) => ({ ...run, italic: true })) : runs;
      this.runs(styled, inner, blockSize, block.kind === 'quote' ? COLOURS.muted : COLOURS.text);
      this.doc.y += BLOCK_GAP;
    }
  }

  /** A section heading: its text in the accent colour over a thin rule. */
  heading(text: string, column: Column, size: number, newPage: () => void, keepWith: number): void {
    const height = this.lineHeight('bold', size) + 6;
    this.ensureSpace(height + keepWith, newPage);
    this.doc.y += 6;
    this.text(text.toLocaleUpperCase(), column, 'bold', size, { colour: COLOURS.accent });
    const y = this.doc.y + 1;
    this.doc
      .save()
      .moveTo(column.x, y)
      .lineTo(column.x + column.width, y)
      .lineWidth(0.75)
      .strokeColor(COLOURS.rule)
      .stroke()
      .restore();
    this.doc.y = y + 6;
  }
}

export type PdfDocument = InstanceType<typeof PDFDocument>;
