/**
 * The auth app's tables in the admin (Django's UserAdmin and GroupAdmin): users with their groups and
 * direct permissions, searched and filtered; new users get a validated password, existing ones a
 * "set password" page; groups with their permissions.
 */
import { inArray } from 'drizzle-orm';
import type { FormErrors } from '../../web/forms.js';
import { type BulkAction, defineAdmin } from '../admin/define.js';
import { deleteUserSessions } from '../sessions/store.js';
import { groupPermissions, groups, permissions, userGroups, userPermissions, users } from './schema.js';
import { unlock } from './throttle.js';

/** Clears the selected users' failed-login counters (`keen unlock` for several at once). */
export const unlockLoginAction: BulkAction = {
  name: 'unlock_login',
  label: 'Unlock login',
  permission: 'change',
  async run({ tx, ids }) {
    const selected = ids.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
    const rows = await tx.select({ username: users.username }).from(users).where(inArray(users.id, selected));
    for (const row of rows) await unlock(tx, { account: row.username });
    return rows.length === 1
      ? `Unlocked the login of “${rows[0]?.username}”.`
      : `Unlocked the login of ${rows.length} users.`;
  },
};

export const userAdmin = defineAdmin(users, {
  model: 'user',
  toString: (row) => row.username,
  listDisplay: ['username', 'email', 'firstName', 'lastName', 'isStaff'],
  searchFields: ['username', 'firstName', 'lastName', 'email'],
  listFilter: ['isStaff', 'isSuperuser', 'isActive', 'dateJoined'],
  ordering: ['username'],
  passwordField: 'password',
  readonlyFields: ['lastLogin', 'dateJoined'],
  superuserOnlyFields: ['isSuperuser'],
  actions: [unlockLoginAction],
  fieldsets: [
    { fields: ['username', 'password'] },
    { title: 'Personal info', fields: ['firstName', 'lastName', 'email'] },
    {
      title: 'Permissions',
      fields: ['isActive', 'isStaff', 'isSuperuser'],
      description:
        'Staff users may log in to the admin; superusers have every permission without it being given.',
    },
    { title: 'Important dates', fields: ['lastLogin', 'dateJoined'], collapsed: true },
  ],
  help: {
    username: 'Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.',
    isActive: 'Unselect this instead of deleting accounts: an inactive user cannot log in.',
  },
  manyToMany: [
    {
      name: 'groups',
      through: userGroups,
      sourceColumn: userGroups.userId,
      targetColumn: userGroups.groupId,
    },
    {
      name: 'userPermissions',
      label: 'User permissions',
      through: userPermissions,
      sourceColumn: userPermissions.userId,
      targetColumn: userPermissions.permissionId,
    },
  ],
  // A session left unused while its user was inactive must not work again after re-activation: end
  // every session of a user the moment they are deactivated.
  async afterSave(tx, row, previous) {
    if (!row.isActive && previous?.isActive !== false) await deleteUserSessions(tx, row.id);
  },
  validate(values): FormErrors {
    const username = typeof values.username === 'string' ? values.username : '';
    if (values.username !== undefined && !/^[\w.@+-]{1,150}$/u.test(username)) {
      return { username: ['Enter a username of up to 150 letters, digits and @/./+/-/_ characters.'] };
    }
    return {};
  },
});

export const groupAdmin = defineAdmin(groups, {
  model: 'group',
  searchFields: ['name'],
  ordering: ['name'],
  manyToMany: [
    {
      name: 'permissions',
      through: groupPermissions,
      sourceColumn: groupPermissions.groupId,
      targetColumn: groupPermissions.permissionId,
    },
  ],
});

/** Registered so groups and users can pick permissions; read-only in practice (rows come from `keen migrate`). */
export const permissionAdmin = defineAdmin(permissions, {
  model: 'permission',
  toString: (row) => `${row.appLabel} | ${row.model} | ${row.name}`,
  listDisplay: ['name', 'appLabel', 'model', 'codename'],
  searchFields: ['name', 'codename', 'appLabel'],
  ordering: ['appLabel', 'model', 'codename'],
});
