/**
 * Django's admin log (`django_admin_log`) as Keen's (`admin_log`), so each imported object's History
 * page still shows who added and changed it, and the admin index its editors' recent actions.
 *
 * An entry maps when its content type is a model Keen has (auth.user, blog.post, resume.profile, …);
 * its object id becomes the Keen id of the same object. An entry about an object that no longer exists
 * (deleted in Django) keeps `django-<id>` as its object id, which no Keen id can equal. Entries of other
 * models (sessions, Django's own) are listed as skipped. Django's change messages (JSON, or plain text
 * on old rows) become Keen's change summary.
 */
import { sql } from 'drizzle-orm';
import { type AdminAction, type AdminChange, adminLog } from '../contrib/admin/schema.js';
import { type Db, queryRows, type Tx } from '../db/client.js';
import { planTable, type TablePlan } from './plan.js';
import type { DjangoSource } from './source.js';

/** Django's action_flag values. */
const ACTIONS: Record<number, AdminAction> = { 1: 'add', 2: 'change', 3: 'delete' };

/** Django models Keen has, by `app_label.model` (both sides use Django's names). */
export const HISTORY_MODELS = [
  'auth.user',
  'auth.group',
  'blog.category',
  'blog.tag',
  'blog.post',
  'blog.comment',
  'resume.profile',
  'resume.experience',
  'resume.skill',
  'resume.certification',
  'resume.achievement',
] as const;

export type HistoryModel = (typeof HISTORY_MODELS)[number];

interface DjangoLogEntry {
  id: number;
  action_time: Date;
  user_id: number;
  username: string;
  app_label: string | null;
  model: string | null;
  object_id: string | null;
  object_repr: string;
  action_flag: number;
  change_message: string;
}

type KeenLogEntry = typeof adminLog.$inferSelect;

/**
 * Django id → Keen id per model, known once the rows are written. Keyed by HISTORY_MODELS, so a model
 * added to that list without its ids is a compile error (it would get `django-<id>` object ids, and
 * its History would not link). Undefined: nothing of that model was imported.
 */
export type ObjectIds = Readonly<Record<HistoryModel, ReadonlyMap<number, number> | undefined>>;

const entryKey = (at: Date, username: string, model: string, repr: string, action: string) =>
  `${new Date(at).toISOString()}|${username}|${model}|${repr.slice(0, 200)}|${action}`;

/** Django's change message as Keen's change summary. */
export function changesOf(message: string): AdminChange {
  const text = message.trim();
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { note: text.slice(0, 500) };
  }
  if (!Array.isArray(parsed)) return { note: text.slice(0, 500) };
  const change: AdminChange = {};
  const push = (
    list: keyof Pick<AdminChange, 'fields' | 'added' | 'changed' | 'deleted'>,
    value: unknown,
  ) => {
    if (typeof value !== 'string' || !value) return;
    change[list] = [...(change[list] ?? []), value.slice(0, 100)];
  };
  for (const item of parsed as Record<string, { fields?: unknown; name?: unknown }>[]) {
    for (const [kind, detail] of Object.entries(item ?? {})) {
      // An inline row (`name` is its model) or, for "changed", the fields of the object itself.
      if (kind === 'changed' && !detail?.name && Array.isArray(detail?.fields)) {
        for (const field of detail.fields) push('fields', field);
      } else if (kind === 'added' || kind === 'changed' || kind === 'deleted') {
        push(kind, detail?.name);
      }
    }
  }
  return change;
}

export interface HistoryPlan {
  entries: TablePlan<DjangoLogEntry & { key: string }, KeenLogEntry & { key: string }>;
}

export async function planHistory(
  source: DjangoSource,
  db: Db,
  present: ReadonlySet<string>,
): Promise<HistoryPlan | null> {
  if (!present.has('django_admin_log')) return null;
  const rows = await source.rows<DjangoLogEntry>(
    `SELECT l.id::int, l.action_time, l.user_id::int, u.username, ct.app_label, ct.model, l.object_id,
            l.object_repr, l.action_flag::int, l.change_message
       FROM django_admin_log l JOIN auth_user u ON u.id = l.user_id
       LEFT JOIN django_content_type ct ON ct.id = l.content_type_id
      ORDER BY l.action_time, l.id`,
  );
  const known = new Set<string>(HISTORY_MODELS);
  const keyed = rows.map((row) => ({
    ...row,
    key: entryKey(
      row.action_time,
      row.username,
      `${row.app_label}.${row.model}`,
      row.object_repr,
      ACTIONS[row.action_flag] ?? '',
    ),
  }));
  const mapped = keyed.filter(
    (row) => known.has(`${row.app_label}.${row.model}`) && ACTIONS[row.action_flag],
  );
  const keen = (await db.select().from(adminLog)).map((row) => ({
    ...row,
    key: entryKey(row.actionTime, row.username, `${row.appLabel}.${row.model}`, row.objectRepr, row.action),
  }));
  // The log is written once and never edited: an entry is there or it is not.
  const entries = planTable(
    'django_admin_log',
    mapped,
    keen,
    { source: (row) => row.key, target: (row) => row.key },
    () => true,
  );
  for (const row of keyed.filter((row) => !mapped.includes(row))) {
    entries.skipped.push(
      `django_admin_log ${row.id}: ${row.app_label ?? '?'}.${row.model ?? '?'} has no counterpart in Keen`,
    );
  }
  return { entries };
}

/** Writes the new entries, their objects and users mapped to Keen's ids. */
export async function applyHistory(tx: Tx, plan: HistoryPlan, ids: ObjectIds): Promise<void> {
  if (!plan.entries.inserts.length) return;
  const users = new Map(
    (await queryRows<{ id: number; username: string }>(tx, sql`SELECT id, username FROM auth_user`)).map(
      (row) => [row.username.toLowerCase(), row.id],
    ),
  );
  await tx.insert(adminLog).values(
    plan.entries.inserts.map((row) => {
      const model = `${row.app_label}.${row.model}`;
      const djangoId = Number(row.object_id);
      const keenId = Number.isInteger(djangoId) ? ids[model as HistoryModel]?.get(djangoId) : undefined;
      return {
        actionTime: row.action_time,
        userId: users.get(row.username.toLowerCase()) ?? null,
        username: row.username,
        appLabel: row.app_label as string,
        model: row.model as string,
        objectId: keenId === undefined ? `django-${row.object_id ?? ''}`.slice(0, 100) : String(keenId),
        objectRepr: row.object_repr.slice(0, 200),
        action: ACTIONS[row.action_flag] as AdminAction,
        changes: changesOf(row.change_message),
      };
    }),
  );
}
