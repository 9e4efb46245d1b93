/**
 * Markdown to HTML: CommonMark with GFM tables, strikethrough, autolinks (markdown-it, linkify on) and
 * task lists (markdown-it-task-lists), fenced code highlighted by ./highlight.ts. Raw HTML inside the
 * Markdown is let through here because ./sanitize.ts removes whatever it must not keep.
 */
import MarkdownIt from 'markdown-it';
import taskLists from 'markdown-it-task-lists';
import { highlightCode } from './highlight.js';

const markdown = new MarkdownIt({
  html: true,
  linkify: true,
  typographer: false,
  highlight: (code, language) => highlightCode(code, language),
}).use(taskLists, { enabled: false, label: false });

export function markdownToHtml(source: string): string {
  return markdown.render(source);
}
