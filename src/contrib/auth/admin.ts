/**
 * The auth app's tables in the admin (Django's UserAdmin and GroupAdmin): users with their groups and
 * direct permissions, searched and filtered; new users get a validated password, existing ones a
 * "set password" page; groups with their permissions.
 */
import { inArray } from 'drizzle-orm';
import { lazyTranslator } from '../../i18n/messages.js';
import type { FormErrors } from '../../web/forms.js';
import { type BulkAction, defineAdmin, type SiteNames } from '../admin/define.js';
import { authMessages, authTranslator } from './messages.js';
import { DEFAULT_ACTIONS } from './permissions.js';
import { groupPermissions, groups, permissions, userGroups, userPermissions, users } from './schema.js';

const text = lazyTranslator(authMessages);

/** Clears the selected users' failed-login counters (`keen unlock` for several at once). */
export const unlockLoginAction: BulkAction = {
  name: 'unlock_login',
  label: text('admin.unlock'),
  permission: 'change',
  async run({ tx, ids, language, stores }) {
    const selected = ids.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
    const rows = await tx.select({ username: users.username }).from(users).where(inArray(users.id, selected));
    for (const row of rows) await stores.throttle.unlock({ account: row.username }, tx);
    const t = authTranslator(language);
    return rows.length === 1
      ? t('admin.unlockedOne', { username: rows[0]?.username ?? '' })
      : t('admin.unlockedMany', { count: rows.length });
  },
};

/** Ends every session of the selected users (a lost laptop, a departing editor): they must log in again. */
export const endSessionsAction: BulkAction = {
  name: 'end_sessions',
  label: text('admin.endSessions'),
  permission: 'change',
  async run({ tx, ids, language, stores }) {
    const selected = ids.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
    let ended = 0;
    for (const id of selected) ended += await stores.sessions.deleteForUser(id, null, tx);
    return authTranslator(language)('admin.endedSessions', { count: ended, users: selected.length });
  },
};

/**
 * The languages Keen ships catalogues for, each named in itself (as language menus do); a language
 * not in LANGUAGES is ignored when chosen. Empty: follow the browser, like any visitor.
 */
export const LANGUAGE_CHOICES: readonly (readonly [string, string])[] = [
  ['', 'Like the browser'],
  ['en', 'English'],
  ['ru', 'Русский'],
];

/** Every IANA zone the runtime knows, after "" (the site's TIME_ZONE). */
export function timeZoneChoices(): readonly (readonly [string, string])[] {
  return [
    ['', 'The site’s'],
    ...Intl.supportedValuesOf('timeZone').map((zone): [string, string] => [zone, zone]),
  ];
}

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
  actions: [unlockLoginAction, endSessionsAction],
  fieldsets: [
    { fields: ['username', 'password'] },
    { title: text('admin.personalInfo'), fields: ['firstName', 'lastName', 'email'] },
    {
      title: text('admin.permissions'),
      fields: ['isActive', 'isStaff', 'isSuperuser'],
      description: text('admin.permissionsHelp'),
    },
    { title: text('admin.preferences'), fields: ['language', 'timeZone'], collapsed: true },
    { title: text('admin.importantDates'), fields: ['lastLogin', 'dateJoined'], collapsed: true },
  ],
  choices: { language: LANGUAGE_CHOICES, timeZone: timeZoneChoices() },
  help: {
    language: text('admin.languageHelp'),
    timeZone: text('admin.timeZoneHelp'),
    username: text('admin.usernameHelp'),
    isActive: text('admin.isActiveHelp'),
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
      through: userPermissions,
      sourceColumn: userPermissions.userId,
      targetColumn: userPermissions.permissionId,
    },
  ],
  // A session left unused while its user was inactive must not work again after re-activation: end
  // every session of a user the moment they are deactivated.
  async afterSave(tx, row, previous, { stores }) {
    if (!row.isActive && previous?.isActive !== false) await stores.sessions.deleteForUser(row.id, null, tx);
  },
  validate(values, _existing, { language }): FormErrors {
    const username = typeof values.username === 'string' ? values.username : '';
    if (values.username !== undefined && !/^[\w.@+-]{1,150}$/u.test(username)) {
      return { username: [authTranslator(language)('admin.usernameInvalid')] };
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

/**
 * "Blog | post | Can add post", in the page's language for the four default permissions (the stored
 * name is English, written by `keen migrate`); a custom permission keeps its stored name.
 */
function permissionName(row: typeof permissions.$inferSelect, names: SiteNames): string {
  const app = names.app(row.appLabel) ?? row.appLabel;
  const model = names.model(row.appLabel, row.model) ?? row.model;
  const action = DEFAULT_ACTIONS.find((candidate) => row.codename === `${candidate}_${row.model}`);
  const name = action ? authTranslator(names.language)(`permission.${action}`, { model }) : row.name;
  return `${app} | ${model} | ${name}`;
}

/** Registered so groups and users can pick permissions; read-only in practice (rows come from `keen migrate`). */
export const permissionAdmin = defineAdmin(permissions, {
  model: 'permission',
  toString: (row, names) => permissionName(row, names),
  listDisplay: ['name', 'appLabel', 'model', 'codename'],
  searchFields: ['name', 'codename', 'appLabel'],
  ordering: ['appLabel', 'model', 'codename'],
});
