/**
 * The résumé's rich text (sanitized HTML from the blog's renderer) as blocks of styled runs, which the
 * PDF draws: paragraphs, headings, list items (bulleted or numbered), quotes and code. Inline, only
 * bold, italic, code and links matter; any other element gives its text.
 */
import { Parser } from 'htmlparser2';

export interface TextRun {
  text: string;
  bold: boolean;
  italic: boolean;
  code: boolean;
  /** http(s) or mailto only. */
  link: string | null;
}

export type BlockKind = 'paragraph' | 'heading' | 'bullet' | 'number' | 'quote' | 'code';

export interface TextBlock {
  kind: BlockKind;
  runs: TextRun[];
  /** The item's number in a numbered list. */
  number?: number;
  /** Nesting of lists: 0 for a top-level item. */
  depth: number;
}

const BLOCK_TAGS = new Set(['p', 'div', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'tr']);
const SAFE_LINK = /^(https?:|mailto:)/i;

export function parseRichText(html: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  const lists: { ordered: boolean; next: number }[] = [];
  const style = { bold: 0, italic: 0, code: 0, quote: 0, pre: 0 };
  const links: (string | null)[] = [];
  let current: TextBlock | null = null;

  const open = (kind: BlockKind, number?: number) => {
    current = {
      kind,
      runs: [],
      depth: Math.max(0, lists.length - 1),
      ...(number === undefined ? {} : { number }),
    };
    blocks.push(current);
  };
  const close = () => {
    if (current && current.kind !== 'code') {
      // Whitespace as a browser shows it: runs of it are one space, none at the ends.
      for (const run of current.runs) run.text = run.text.replace(/\s+/g, ' ');
      const first = current.runs[0];
      if (first) first.text = first.text.trimStart();
      const last = current.runs.at(-1);
      if (last) last.text = last.text.trimEnd();
      current.runs = current.runs.filter((run) => run.text !== '');
    }
    if (current && current.runs.length === 0) blocks.pop();
    current = null;
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'ul' || name === 'ol') {
          close();
          lists.push({ ordered: name === 'ol', next: Number(attributes.start) || 1 });
        } else if (name === 'li') {
          close();
          const list = lists.at(-1);
          if (list?.ordered) open('number', list.next++);
          else open('bullet');
        } else if (/^h[1-6]$/.test(name)) {
          close();
          open('heading');
        } else if (name === 'pre') {
          close();
          style.pre++;
          open('code');
        } else if (name === 'blockquote') {
          close();
          style.quote++;
        } else if (BLOCK_TAGS.has(name)) {
          // A paragraph inside a list item continues the item.
          if (!(current && (current.kind === 'bullet' || current.kind === 'number') && name === 'p')) {
            close();
            open(style.quote > 0 ? 'quote' : 'paragraph');
          }
        } else if (name === 'strong' || name === 'b') style.bold++;
        else if (name === 'em' || name === 'i') style.italic++;
        else if (name === 'code') style.code++;
        else if (name === 'a')
          links.push(SAFE_LINK.test(attributes.href ?? '') ? (attributes.href ?? null) : null);
        else if (name === 'br' && current) current.runs.push(run('\n'));
      },
      ontext(text) {
        if (!current) {
          if (text.trim() === '') return;
          open(style.quote > 0 ? 'quote' : 'paragraph');
        }
        (current as TextBlock).runs.push(run(text));
      },
      onclosetag(name) {
        if (name === 'ul' || name === 'ol') {
          close();
          lists.pop();
        } else if (name === 'pre') {
          close();
          style.pre = Math.max(0, style.pre - 1);
        } else if (name === 'blockquote') {
          close();
          style.quote = Math.max(0, style.quote - 1);
        } else if (BLOCK_TAGS.has(name) && name !== 'p') close();
        else if (name === 'p' && !(current && (current.kind === 'bullet' || current.kind === 'number')))
          close();
        else if (name === 'strong' || name === 'b') style.bold = Math.max(0, style.bold - 1);
        else if (name === 'em' || name === 'i') style.italic = Math.max(0, style.italic - 1);
        else if (name === 'code') style.code = Math.max(0, style.code - 1);
        else if (name === 'a') links.pop();
      },
    },
    { decodeEntities: true },
  );

  function run(text: string): TextRun {
    return {
      text,
      bold: style.bold > 0,
      italic: style.italic > 0,
      code: style.code > 0 || style.pre > 0,
      link: links.findLast((link) => link !== null) ?? null,
    };
  }

  parser.write(html);
  parser.end();
  close();
  return blocks;
}
