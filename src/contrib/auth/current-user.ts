/** `request.user`: the logged-in user, or the anonymous user, with Django's permission checks. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { groupPermissions, permissions, type UserRow, userGroups, userPermissions } from './schema.js';

export interface AuthenticatedUser {
  isAuthenticated: true;
  id: number;
  username: string;
  email: string;
  isStaff: boolean;
  isSuperuser: boolean;
  row: UserRow;
  /** `app_label.codename`, e.g. `blog.change_post`; superusers have every permission. */
  hasPerm(permission: string): Promise<boolean>;
}

export interface AnonymousUser {
  isAuthenticated: false;
  id: null;
  username: '';
  isStaff: false;
  isSuperuser: false;
  hasPerm(permission: string): Promise<boolean>;
}

export type CurrentUser = AuthenticatedUser | AnonymousUser;

export const ANONYMOUS_USER: AnonymousUser = Object.freeze({
  isAuthenticated: false,
  id: null,
  username: '',
  isStaff: false,
  isSuperuser: false,
  hasPerm: async () => false,
});

/** All `app_label.codename` permissions a user has directly or through groups. */
export async function loadPermissions(db: Db, userId: number): Promise<Set<string>> {
  const direct = db
    .select({ appLabel: permissions.appLabel, codename: permissions.codename })
    .from(permissions)
    .innerJoin(userPermissions, eq(userPermissions.permissionId, permissions.id))
    .where(eq(userPermissions.userId, userId));
  const viaGroups = db
    .select({ appLabel: permissions.appLabel, codename: permissions.codename })
    .from(permissions)
    .innerJoin(groupPermissions, eq(groupPermissions.permissionId, permissions.id))
    .where(
      inArray(
        groupPermissions.groupId,
        db.select({ id: userGroups.groupId }).from(userGroups).where(eq(userGroups.userId, userId)),
      ),
    );
  const rows = await direct.union(viaGroups);
  return new Set(rows.map((row) => `${row.appLabel}.${row.codename}`));
}

/** Wraps a user row; permissions load on the first `hasPerm` call and are cached for the request. */
export function authenticatedUser(db: Db, row: UserRow): AuthenticatedUser {
  let cache: Promise<Set<string>> | undefined;
  return {
    isAuthenticated: true,
    id: row.id,
    username: row.username,
    email: row.email,
    isStaff: row.isStaff,
    isSuperuser: row.isSuperuser,
    row,
    async hasPerm(permission) {
      if (!row.isActive) return false;
      if (row.isSuperuser) return true;
      cache ??= loadPermissions(db, row.id);
      return (await cache).has(permission);
    },
  };
}

/** Used by tests and the admin: does the permission row exist? */
export async function permissionExists(db: Db, appLabel: string, codename: string): Promise<boolean> {
  const rows = await db
    .select({ id: permissions.id })
    .from(permissions)
    .where(and(eq(permissions.appLabel, appLabel), eq(permissions.codename, codename)));
  return rows.length > 0;
}
