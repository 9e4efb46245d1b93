/**
 * Tables of the auth app: users, groups, permissions and their links, and throttling counters.
 * Table names follow Django's, so data moved from the Django deployment keeps its shape.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';

export const users = pgTable(
  'auth_user',
  {
    id: serial('id').primaryKey(),
    username: varchar('username', { length: 150 }).notNull(),
    email: varchar('email', { length: 254 }).notNull().default(''),
    password: varchar('password', { length: 255 }).notNull(),
    firstName: varchar('first_name', { length: 150 }).notNull().default(''),
    lastName: varchar('last_name', { length: 150 }).notNull().default(''),
    isActive: boolean('is_active').notNull().default(true),
    isStaff: boolean('is_staff').notNull().default(false),
    isSuperuser: boolean('is_superuser').notNull().default(false),
    lastLogin: timestamp('last_login', { withTimezone: true }),
    dateJoined: timestamp('date_joined', { withTimezone: true }).notNull().defaultNow(),
    /** The admin's language for this user (one of LANGUAGES); empty: the visitor's negotiated one. */
    language: varchar('language', { length: 16 }).notNull().default(''),
    /** The IANA zone the admin shows and takes times in for this user; empty: TIME_ZONE. */
    timeZone: varchar('time_zone', { length: 64 }).notNull().default(''),
  },
  // "Admin" and "admin" are one account: uniqueness ignores case.
  (t) => [uniqueIndex('auth_user_username_lower_uniq').on(sql`lower(${t.username})`)],
);

export const groups = pgTable('auth_group', {
  id: serial('id').primaryKey(),
  name: varchar('name', { length: 150 }).notNull().unique(),
});

export const permissions = pgTable(
  'auth_permission',
  {
    id: serial('id').primaryKey(),
    appLabel: varchar('app_label', { length: 100 }).notNull(),
    model: varchar('model', { length: 100 }).notNull(),
    codename: varchar('codename', { length: 100 }).notNull(),
    name: varchar('name', { length: 255 }).notNull(),
  },
  (t) => [uniqueIndex('auth_permission_app_codename_uniq').on(t.appLabel, t.codename)],
);

export const userGroups = pgTable(
  'auth_user_groups',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.groupId] }), index('auth_user_groups_group_idx').on(t.groupId)],
);

export const userPermissions = pgTable(
  'auth_user_user_permissions',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    permissionId: integer('permission_id')
      .notNull()
      .references(() => permissions.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.permissionId] }),
    index('auth_user_perms_perm_idx').on(t.permissionId),
  ],
);

export const groupPermissions = pgTable(
  'auth_group_permissions',
  {
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    permissionId: integer('permission_id')
      .notNull()
      .references(() => permissions.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.permissionId] }),
    index('auth_group_perms_perm_idx').on(t.permissionId),
  ],
);

/**
 * Throttling counters (./throttle.ts): one row per (scope, action, account, client) with a fixed window.
 * Unused parts of the key are '' (a client's row has no account), so the primary key covers all three
 * scopes and the reservation upsert can target it.
 */
export const throttleCounters = pgTable(
  'auth_throttle',
  {
    scope: varchar('scope', { length: 16 }).notNull(),
    action: varchar('action', { length: 32 }).notNull(),
    account: varchar('account', { length: 150 }).notNull(),
    client: varchar('client', { length: 64 }).notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.action, t.account, t.client] }),
    index('auth_throttle_window_idx').on(t.windowStart),
    index('auth_throttle_account_idx').on(t.account),
    index('auth_throttle_client_idx').on(t.client),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;
