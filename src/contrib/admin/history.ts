/** The admin log: written on every admin save/delete, read by the index ("Recent actions") and history pages. */
import { and, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import type { AdminTranslate } from './messages.js';
import { type AdminAction, type AdminChange, type AdminLogRow, adminLog } from './schema.js';
import type { ModelAdmin } from './site.js';

export interface LogEntry {
  user: { id: number; username: string };
  app: string;
  model: string;
  objectId: string;
  objectRepr: string;
  action: AdminAction;
  changes?: AdminChange;
}

/** Writes log rows in the caller's transaction, so the log and the change commit together. */
export async function logActions(tx: Tx | Db, entries: readonly LogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.insert(adminLog).values(
    entries.map((entry) => ({
      userId: entry.user.id,
      username: entry.user.username,
      appLabel: entry.app,
      model: entry.model,
      objectId: entry.objectId,
      objectRepr: entry.objectRepr.slice(0, 200),
      action: entry.action,
      changes: entry.changes ?? {},
    })),
  );
}

/** The user's latest actions, newest first (the admin index's "Recent actions"). */
export function recentActions(db: Db, userId: number, limit = 10): Promise<AdminLogRow[]> {
  return db
    .select()
    .from(adminLog)
    .where(eq(adminLog.userId, userId))
    .orderBy(desc(adminLog.actionTime), desc(adminLog.id))
    .limit(limit);
}

export const HISTORY_PAGE_SIZE = 100;

/** One object's history, oldest first like Django's, a page of 100 at a time (page is 1-based). */
export function objectHistory(
  db: Db,
  app: string,
  model: string,
  objectId: string,
  page = 1,
): Promise<AdminLogRow[]> {
  return db
    .select()
    .from(adminLog)
    .where(and(eq(adminLog.appLabel, app), eq(adminLog.model, model), eq(adminLog.objectId, objectId)))
    .orderBy(adminLog.actionTime, adminLog.id)
    .limit(HISTORY_PAGE_SIZE + 1)
    .offset((page - 1) * HISTORY_PAGE_SIZE);
}

/**
 * The name of a field, relation or inline model a log row records (by key), in the site's language.
 * Rows written before keys were logged hold English labels; those are shown as they are.
 */
export function changeLabels(model: ModelAdmin | undefined): (key: string) => string {
  if (!model) return (key) => key;
  const names = new Map<string, string>();
  for (const field of model.fields) names.set(field.key, field.label);
  for (const relation of model.manyToMany) names.set(relation.options.name, relation.label);
  for (const inline of model.inlines) names.set(inline.model, inline.verboseName);
  return (key) => names.get(key) ?? key;
}

/** "Changed title and body.", "Added.", "Deleted." — the history page's description of a row. */
export function describeChange(
  action: AdminAction,
  changes: AdminChange,
  t: AdminTranslate,
  language: string,
  labelOf: (key: string) => string = (key) => key,
): string {
  if (action === 'add') return t('history.added');
  if (action === 'delete') return t('history.deleted');
  const list = (items: readonly string[]) => listOf(items.map(labelOf), language);
  const parts: string[] = [];
  if (changes.fields?.length) parts.push(t('history.changedFields', { fields: list(changes.fields) }));
  if (changes.added?.length) parts.push(t('history.addedItems', { items: list(changes.added) }));
  if (changes.changed?.length) parts.push(t('history.changedItems', { items: list(changes.changed) }));
  if (changes.deleted?.length) parts.push(t('history.deletedItems', { items: list(changes.deleted) }));
  if (changes.passwordChanged) parts.push(t('history.passwordChanged'));
  if (changes.note) parts.push(changes.note);
  return parts.join(' ') || t('history.nothing');
}

/** "title, slug and body" / "title, slug и body": the language's own list conjunction. */
function listOf(items: readonly string[], language: string): string {
  const lower = items.map((item) => item.charAt(0).toLowerCase() + item.slice(1));
  return new Intl.ListFormat(language, { type: 'conjunction' }).format(lower);
}
