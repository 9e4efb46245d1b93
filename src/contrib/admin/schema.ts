/**
 * The admin log (Django's django_admin_log): one row per add, change or delete made in the admin.
 * The username is copied so the history keeps its meaning after the user is deleted.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';
import { users } from '../auth/schema.js';

export type AdminAction = 'add' | 'change' | 'delete';

/**
 * What changed: the keys of the changed fields and many-to-many relations, and the models of inline
 * rows added/changed/deleted (older rows hold English labels instead). The history page names them in
 * the reader's language.
 */
export interface AdminChange {
  fields?: string[];
  added?: string[];
  changed?: string[];
  deleted?: string[];
  /** The password was set on the user's password page. */
  passwordChanged?: boolean;
  /** Free text for actions that are not a form save. */
  note?: string;
}

export const adminLog = pgTable(
  'admin_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    actionTime: timestamp('action_time', { withTimezone: true }).notNull().defaultNow(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    username: varchar('username', { length: 150 }).notNull(),
    appLabel: varchar('app_label', { length: 100 }).notNull(),
    model: varchar('model', { length: 100 }).notNull(),
    objectId: varchar('object_id', { length: 100 }).notNull(),
    objectRepr: varchar('object_repr', { length: 200 }).notNull(),
    action: varchar('action', { length: 10 }).$type<AdminAction>().notNull(),
    changes: jsonb('changes').$type<AdminChange>().notNull().default({}),
  },
  (t) => [
    check('admin_log_action_known', sql`${t.action} IN ('add', 'change', 'delete')`),
    index('admin_log_user_time_idx').on(t.userId, t.actionTime),
    index('admin_log_object_idx').on(t.appLabel, t.model, t.objectId, t.actionTime),
  ],
);

export type AdminLogRow = typeof adminLog.$inferSelect;
