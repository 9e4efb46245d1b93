/**
 * The post-processing step of collectstatic (Django's ManifestStaticFilesStorage): every file gets a
 * content-hashed name, and CSS files have their references rewritten to the hashed names first, so a
 * CSS file's hash covers the names it points at. CSS that references other CSS is processed after it
 * (dependency order), so a change deep in an `@import` chain changes every hash up the chain.
 */
import { StaticFilesError } from '../../errors.js';
import {
  applyReplacements,
  type CssReference,
  findCssReferences,
  type ResolvedReference,
  resolveCssReference,
  rewrittenReference,
} from './css-references.js';
import { contentHash, hashedName } from './hashed-name.js';

/** A file's final content and its hashed name. */
export interface ProcessedFile {
  content: Buffer;
  hashed: string;
}

const isCss = (relative: string) => relative.toLowerCase().endsWith('.css');

interface ParsedCss {
  text: string;
  references: CssReference[];
  /** Static-file references by their start offset. */
  resolved: Map<number, ResolvedReference>;
}

function parseCss(relative: string, content: Buffer, files: ReadonlyMap<string, Buffer>, staticUrl: string) {
  const text = content.toString('utf8');
  const references = findCssReferences(text);
  const resolved = new Map<number, ResolvedReference>();
  for (const reference of references) {
    const target = resolveCssReference(reference.url, relative, staticUrl);
    if (target === null) continue;
    if (target === 'outside' || !files.has(target.target)) {
      const where = target === 'outside' ? 'outside the static folders' : target.target;
      throw new StaticFilesError(
        `${relative} references "${reference.url}" (${where}), which is not a collected static file: ` +
          'fix the reference or add the file',
      );
    }
    resolved.set(reference.start, target);
  }
  return { text, references, resolved } satisfies ParsedCss;
}

/**
 * Hashes every file of `files` (relative path → content), rewriting CSS references on the way.
 * Throws {@link StaticFilesError} for a reference to a missing file or CSS files that reference each
 * other in a cycle (their hashes would depend on each other).
 */
export function postProcess(
  files: ReadonlyMap<string, Buffer>,
  staticUrl: string,
): Map<string, ProcessedFile> {
  const done = new Map<string, ProcessedFile>();
  const parsed = new Map<string, ParsedCss>();
  for (const [relative, content] of files) {
    if (isCss(relative)) parsed.set(relative, parseCss(relative, content, files, staticUrl));
  }
  const visiting: string[] = [];

  const processFile = (relative: string): ProcessedFile => {
    const finished = done.get(relative);
    if (finished) return finished;
    const content = files.get(relative) as Buffer;
    const css = parsed.get(relative);
    let result: ProcessedFile;
    if (!css || css.resolved.size === 0) {
      result = { content, hashed: hashedName(relative, contentHash(content)) };
    } else {
      if (visiting.includes(relative)) {
        const cycle = [...visiting.slice(visiting.indexOf(relative)), relative].join(' → ');
        throw new StaticFilesError(`CSS files reference each other in a cycle: ${cycle}`);
      }
      visiting.push(relative);
      const replacements = new Map<number, string>();
      for (const [start, reference] of css.resolved) {
        replacements.set(start, rewrittenReference(reference, processFile(reference.target).hashed));
      }
      visiting.pop();
      const rewritten = Buffer.from(applyReplacements(css.text, css.references, replacements), 'utf8');
      result = { content: rewritten, hashed: hashedName(relative, contentHash(rewritten)) };
    }
    done.set(relative, result);
    return result;
  };

  for (const relative of files.keys()) processFile(relative);
  return done;
}
