/**
 * Django's accounts into Keen's: users (password hashes kept as they are: Keen verifies Django's
 * pbkdf2_sha256 and rehashes with Argon2id at the next login), their flags and dates, groups, and the
 * user and group permissions that name a permission Keen has. Users match by username (case-insensitive,
 * as Keen's logins do), groups by name, permissions by app label and codename.
 */
import { sql } from 'drizzle-orm';
import { sameValue } from '../contrib/admin/save.js';
import { groupPermissions, groups, userGroups, userPermissions, users } from '../contrib/auth/schema.js';
import { type Db, queryRows, type Tx } from '../db/client.js';
import { idsAfterWrite, type Link, type LinkPlan, planLinkTable, planTable, type TablePlan } from './plan.js';
import type { DjangoSource } from './source.js';

interface UserRow {
  id: number;
  username: string;
  email: string;
  password: string;
  first_name: string;
  last_name: string;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
  last_login: Date | null;
  date_joined: Date;
}
interface GroupRow {
  id: number;
  name: string;
}

const USER_FIELDS = [
  'username',
  'email',
  'password',
  'first_name',
  'last_name',
  'is_active',
  'is_staff',
  'is_superuser',
  'last_login',
  'date_joined',
] as const;
const USER_KEY = {
  source: (row: UserRow) => row.username.toLowerCase(),
  target: (row: UserRow) => row.username.toLowerCase(),
};
const GROUP_KEY = { source: (row: GroupRow) => row.name, target: (row: GroupRow) => row.name };

export interface AccountsPlan {
  users: TablePlan<UserRow, UserRow>;
  groups: TablePlan<GroupRow, GroupRow>;
  memberships: LinkPlan;
  userPermissions: LinkPlan;
  groupPermissions: LinkPlan;
  /** Django permission id → Keen permission id, for the permissions Keen has. */
  permissionIds: Map<number, number>;
}

export async function planAccounts(source: DjangoSource, db: Db): Promise<AccountsPlan> {
  const userPlan = planTable(
    'auth_user',
    await source.rows<UserRow>(`SELECT id::int, ${USER_FIELDS.join(', ')} FROM auth_user ORDER BY id`),
    // Through Drizzle, so dates come back as dates on both engines.
    await db
      .select({
        id: users.id,
        username: users.username,
        email: users.email,
        password: users.password,
        first_name: users.firstName,
        last_name: users.lastName,
        is_active: users.isActive,
        is_staff: users.isStaff,
        is_superuser: users.isSuperuser,
        last_login: users.lastLogin,
        date_joined: users.dateJoined,
      })
      .from(users),
    USER_KEY,
    (from, to) => USER_FIELDS.every((field) => sameValue(from[field], to[field])),
  );
  const groupPlan = planTable(
    'auth_group',
    await source.rows<GroupRow>('SELECT id::int, name FROM auth_group ORDER BY id'),
    await queryRows<GroupRow>(db, sql`SELECT id, name FROM auth_group ORDER BY id`),
    GROUP_KEY,
    () => true,
  );

  // Django's permissions, named as Keen names them: app label and codename.
  const djangoPermissions = await source.rows<{ id: number; name: string }>(
    `SELECT p.id::int, ct.app_label || '.' || p.codename AS name
       FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id`,
  );
  const keenPermissions = await queryRows<{ id: number; name: string }>(
    db,
    sql`SELECT id, app_label || '.' || codename AS name FROM auth_permission`,
  );
  const keenByName = new Map(keenPermissions.map((row) => [row.name, row.id]));
  const permissionIds = new Map<number, number>();
  const permissionNames = new Map<number, string>();
  for (const { id, name } of djangoPermissions) {
    permissionNames.set(id, name);
    const keenId = keenByName.get(name);
    if (keenId !== undefined) permissionIds.set(id, keenId);
  }
  const unknownPermission = (table: string) => (link: Link) =>
    permissionIds.has(link.b)
      ? null
      : `${table}: ${permissionNames.get(link.b) ?? `permission ${link.b}`} has no counterpart in Keen`;

  return {
    users: userPlan,
    groups: groupPlan,
    memberships: await planLinkTable(
      source,
      db,
      'auth_user_groups',
      ['user_id', 'group_id'],
      [userPlan.matchedIds, groupPlan.matchedIds],
    ),
    userPermissions: await planLinkTable(
      source,
      db,
      'auth_user_user_permissions',
      ['user_id', 'permission_id'],
      [userPlan.matchedIds, permissionIds],
      unknownPermission('auth_user_user_permissions'),
    ),
    groupPermissions: await planLinkTable(
      source,
      db,
      'auth_group_permissions',
      ['group_id', 'permission_id'],
      [groupPlan.matchedIds, permissionIds],
      unknownPermission('auth_group_permissions'),
    ),
    permissionIds,
  };
}

function userValues(row: UserRow) {
  return {
    username: row.username,
    email: row.email,
    password: row.password,
    firstName: row.first_name,
    lastName: row.last_name,
    isActive: row.is_active,
    isStaff: row.is_staff,
    isSuperuser: row.is_superuser,
    lastLogin: row.last_login,
    dateJoined: row.date_joined,
  };
}

/** Writes the plan; returns Django id → Keen id of users and groups, for what points at them. */
export async function applyAccounts(
  tx: Tx,
  plan: AccountsPlan,
): Promise<{ users: Map<number, number>; groups: Map<number, number> }> {
  for (const row of plan.users.inserts) await tx.insert(users).values(userValues(row));
  for (const { from, to } of plan.users.updates) {
    await tx.update(users).set(userValues(from)).where(sql`${users.id} = ${to.id}`);
  }
  for (const row of plan.groups.inserts) await tx.insert(groups).values({ name: row.name });

  const userIds = idsAfterWrite(
    plan.users.source,
    await queryRows<UserRow>(tx, sql`SELECT id, username FROM auth_user`),
    USER_KEY,
  );
  const groupIds = idsAfterWrite(
    plan.groups.source,
    await queryRows<GroupRow>(tx, sql`SELECT id, name FROM auth_group`),
    GROUP_KEY,
  );
  const mapped = (links: readonly Link[], a: Map<number, number>, b: Map<number, number>) =>
    links.map((link) => ({ a: a.get(link.a) as number, b: b.get(link.b) as number }));
  for (const { a, b } of mapped(plan.memberships.add, userIds, groupIds)) {
    await tx.insert(userGroups).values({ userId: a, groupId: b }).onConflictDoNothing();
  }
  for (const { a, b } of mapped(plan.userPermissions.add, userIds, plan.permissionIds)) {
    await tx.insert(userPermissions).values({ userId: a, permissionId: b }).onConflictDoNothing();
  }
  for (const { a, b } of mapped(plan.groupPermissions.add, groupIds, plan.permissionIds)) {
    await tx.insert(groupPermissions).values({ groupId: a, permissionId: b }).onConflictDoNothing();
  }
  return { users: userIds, groups: groupIds };
}
