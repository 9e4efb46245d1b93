/**
 * A varchar column that holds a web address. Marked so the admin checks it on save (an absolute http or
 * https URL, nothing else: no `javascript:`, `data:` or `vbscript:`), and pages link it with the same
 * rule; both use {@link httpUrl}.
 */
import { varchar } from 'drizzle-orm/pg-core';

/** Keyed by the config object Drizzle shares between a column builder and the column it builds. */
const urlColumns = new WeakSet<object>();

function configOf(builderOrColumn: object): object {
  return (builderOrColumn as { config: object }).config;
}

/** `varchar(length)` holding an http(s) URL. */
export function urlField(column: string, length = 500) {
  const builder = varchar(column, { length });
  urlColumns.add(configOf(builder));
  return builder;
}

/** True for a column made by {@link urlField}. */
export function isUrlColumn(column: object): boolean {
  return urlColumns.has(configOf(column));
}

/**
 * The URL, normalised, when it is an absolute http or https address; null for anything else, whatever
 * its letter case, leading spaces or control characters (`  JaVaScRiPt:…`, `java\tscript:…`).
 */
export function httpUrl(text: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(text.trim());
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
}
