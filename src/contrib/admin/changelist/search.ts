/**
 * The change list search (Django's `search_fields` with the default `icontains` lookup): `q` is split
 * into terms, and every term must be found, case-insensitively, in at least one search field.
 */
import { and, or, type SQL, sql } from 'drizzle-orm';
import type { AdminField } from '../fields.js';

/** More terms than this are dropped (each term is one OR over the fields, scanned row by row). */
export const MAX_SEARCH_TERMS = 32;

/**
 * Splits a search into terms: on whitespace, but a double-quoted phrase stays whole
 * (`"hello world" foo` → `hello world`, `foo`). Inside quotes `\"` is a quote and `\\` a backslash.
 * A quote without its closing quote is an ordinary character; an empty phrase (`""`) is no term.
 */
export function parseSearchTerms(query: string): string[] {
  const terms: string[] = [];
  let term = '';
  const flush = () => {
    if (term) terms.push(term);
    term = '';
  };
  for (let index = 0; index < query.length; index++) {
    const char = query.charAt(index);
    if (/\s/.test(char)) {
      flush();
      continue;
    }
    if (char === '"') {
      const phrase = quotedPhrase(query, index + 1);
      if (phrase) {
        term += phrase.text;
        index = phrase.end;
        continue;
      }
    }
    term += char;
  }
  flush();
  // NUL cannot be sent in a PostgreSQL text value; it never occurs in stored text either.
  return terms.map((found) => found.replaceAll('\u0000', '')).filter(Boolean);
}

/** The phrase starting at `start` (just after an opening quote), up to its closing quote, if there is one. */
function quotedPhrase(query: string, start: number): { text: string; end: number } | undefined {
  let text = '';
  for (let index = start; index < query.length; index++) {
    const char = query.charAt(index);
    const next = query.charAt(index + 1);
    if (char === '\\' && (next === '"' || next === '\\')) {
      text += next;
      index++;
    } else if (char === '"') {
      return { text, end: index };
    } else {
      text += char;
    }
  }
  return undefined;
}

/** Escapes LIKE's wildcards (`%`, `_`) and its escape character (`\`), so a term matches itself only. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

const TEXT_COLUMN_TYPES = new Set(['PgVarchar', 'PgText', 'PgChar']);

/** The field as text: enum (choice) and uuid columns are cast, so ILIKE applies to them too. */
function asText(field: AdminField): SQL {
  return TEXT_COLUMN_TYPES.has(field.column.columnType) ? sql`${field.column}` : sql`${field.column}::text`;
}

/** `(f1 ILIKE %t1% OR f2 ILIKE %t1%) AND (f1 ILIKE %t2% OR …)`; undefined when there is nothing to search. */
export function searchCondition(fields: readonly AdminField[], terms: readonly string[]): SQL | undefined {
  if (fields.length === 0 || terms.length === 0) return undefined;
  return and(
    ...terms.map((term) => {
      const pattern = `%${escapeLike(term)}%`;
      return or(...fields.map((field) => sql`${asText(field)} ILIKE ${pattern}`));
    }),
  );
}
