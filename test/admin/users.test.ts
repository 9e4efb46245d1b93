// The auth models in the admin: finding users, creating them with a validated and hashed password,
// setting another user's password, groups that grant permissions, and changing one's own password.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { posts } from '../../src/apps/blog/schema.js';
import { adminLog } from '../../src/contrib/admin/schema.js';
import { groupPermissions, groups, permissions, userGroups, users } from '../../src/contrib/auth/schema.js';
import { sessions } from '../../src/contrib/sessions/schema.js';
import { GOOD_PASSWORD } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { ADMIN, staffClient } from './support.js';
import {
  type AdminTestApp,
  createAdminTestApp,
  fieldErrors,
  fieldValue,
  follow,
  messagesOf,
  openAndSubmit,
  pageText,
  readForm,
} from './view-helpers.js';

const USERS = `${ADMIN}auth/user/`;
const NEW_PASSWORD = 'a-Fresh-passphrase-2026';

describe(`admin users and groups (${ENGINE})`, () => {
  let t: AdminTestApp;
  let root: TestClient;

  const db = () => t.database.db;
  const userNamed = async (username: string) =>
    (await db().select().from(users).where(eq(users.username, username)))[0];
  /** The usernames linked from a change list page, in order. */
  const listedUsernames = (html: string) =>
    [
      ...html.matchAll(/<th scope="row"><a href="\/admin\/auth\/user\/\d+\/change\/">([^<]*)<\/a><\/th>/g),
    ].map((match) => match[1]);
  const canLogIn = async (username: string, password: string) =>
    (await new TestClient(t.app).login(username, password)).statusCode === 303;

  beforeAll(async () => {
    t = await createAdminTestApp();
    await t.createUser({ username: 'alice', email: 'alice@example.com', isStaff: true });
    await t.createUser({ username: 'albert', email: 'bert@example.com' });
    await t.createUser({ username: 'carol', email: 'carol@sample.org', isStaff: true });
    await db().update(users).set({ firstName: 'Zed', lastName: 'Alison' }).where(eq(users.username, 'carol'));
    root = await staffClient(t, 'root', { superuser: true });
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('the user list', () => {
    it('searches username, names and email, and filters by staff status', async () => {
      const search = async (query: string) => listedUsernames((await root.get(`${USERS}?${query}`)).body);
      expect(await search('q=al')).toEqual(['albert', 'alice', 'carol']);
      expect(await search('q=alis')).toEqual(['carol']);
      expect(await search('q=sample.org')).toEqual(['carol']);
      expect(await search('q=ALICE')).toEqual(['alice']);
      expect(await search('q=nobody-like-this')).toEqual([]);
      expect(await search('isStaff=true')).toEqual(['alice', 'carol', 'root']);
      expect(await search('isStaff=false')).toEqual(['albert']);
      expect(await search('isStaff=true&q=al')).toEqual(['alice', 'carol']);
      const page = await root.get(`${USERS}?isStaff=true`);
      expect(pageText(page.body)).toContain('3 results');
      // The list shows the columns chosen for users, never the password hash.
      expect(page.body).not.toContain('$argon2');
    });
  });

  describe('adding a user', () => {
    const addUser = (changes: Record<string, string | null>) => openAndSubmit(root, `${USERS}add/`, changes);

    it('asks for the password twice and refuses a mismatch or a weak password', async () => {
      const form = readForm((await root.get(`${USERS}add/`)).body);
      expect(fieldValue(form, 'password1')).toBe('');
      expect(fieldValue(form, 'password2')).toBe('');
      expect(form.fields.some(([name]) => name === 'password')).toBe(false);

      const mismatch = await addUser({
        username: 'newbie',
        password1: NEW_PASSWORD,
        password2: `${NEW_PASSWORD}x`,
      });
      expect(mismatch.statusCode).toBe(400);
      expect(fieldErrors(mismatch.body, 'password2')).toEqual(['The two password fields didn’t match.']);

      const cases: [string, string[], Record<string, string>?][] = [
        ['Zx9-kq', ['This password is too short. It must contain at least 12 characters.']],
        ['qwerty123456', ['This password is too common.']],
        ['847261938475', ['This password is entirely numeric.']],
        [
          'maximilian-newbie',
          ['The password is too similar to the username.'],
          { username: 'maximilian-newbie1' },
        ],
        [
          'maximilian.k@example.org',
          ['The password is too similar to the email address.'],
          { email: 'maximilian.k@example.org' },
        ],
      ];
      for (const [password, errors, extra] of cases) {
        const response = await addUser({
          username: 'newbie',
          password1: password,
          password2: password,
          ...extra,
        });
        expect(response.statusCode, password).toBe(400);
        expect(fieldErrors(response.body, 'password1'), password).toEqual(errors);
        // A password is never sent back to the browser: the password inputs come back empty.
        const passwordInputs = response.body.match(/<input[^>]*type="password"[^>]*>/g) ?? [];
        expect(passwordInputs, password).toHaveLength(2);
        for (const input of passwordInputs) expect(input, password).not.toContain('value');
      }
      expect(await userNamed('newbie')).toBeUndefined();
      expect(await userNamed('maximilian-newbie1')).toBeUndefined();
    });

    it('stores an argon2 hash (never the password), and the new user can log in', async () => {
      const response = await addUser({
        username: 'newbie',
        password1: NEW_PASSWORD,
        password2: NEW_PASSWORD,
        email: 'newbie@example.com',
        firstName: 'New',
      });
      expect(response.statusCode).toBe(303);
      const row = await userNamed('newbie');
      expect(row).toMatchObject({
        email: 'newbie@example.com',
        firstName: 'New',
        isActive: true,
        isStaff: false,
      });
      expect(row?.password).toMatch(/^\$argon2id\$/);
      expect(JSON.stringify(row)).not.toContain(NEW_PASSWORD);
      // Nor in the log, the history or the logs.
      const log = await db()
        .select()
        .from(adminLog)
        .where(eq(adminLog.objectId, String(row!.id)));
      expect(log).toMatchObject([{ action: 'add', objectRepr: 'newbie', model: 'user' }]);
      expect(JSON.stringify(log)).not.toContain(NEW_PASSWORD);
      expect(t.rawLogs()).not.toContain(NEW_PASSWORD);
      expect(await canLogIn('newbie', NEW_PASSWORD)).toBe(true);
      expect(await canLogIn('newbie', GOOD_PASSWORD)).toBe(false);

      // The change form never shows the hash; it links to the set-password page instead.
      const change = await root.get(`${USERS}${row!.id}/change/`);
      expect(change.body).not.toContain(row!.password);
      expect(pageText(change.body)).toContain('Raw passwords are not stored');
      expect(change.body).toContain(`href="${USERS}${row!.id}/password/"`);
      // Saving the change form leaves the password alone.
      expect(
        (await openAndSubmit(root, `${USERS}${row!.id}/change/`, { lastName: 'Comer' })).statusCode,
      ).toBe(303);
      expect(await userNamed('newbie')).toMatchObject({ lastName: 'Comer', password: row!.password });
    });

    it('refuses a username taken in another case, and one with bad characters', async () => {
      const taken = await addUser({ username: 'ALICE', password1: NEW_PASSWORD, password2: NEW_PASSWORD });
      expect(taken.statusCode).toBe(400);
      // "Admin" and "admin" are one account (a unique index on lower(username)): the duplicate is the
      // username field's error, as for a plain unique column.
      expect(fieldErrors(taken.body, 'username')).toEqual(['User with this Username already exists.']);
      expect(await db().select().from(users).where(eq(users.username, 'ALICE'))).toEqual([]);
      const bad = await addUser({ username: 'has space', password1: NEW_PASSWORD, password2: NEW_PASSWORD });
      expect(bad.statusCode).toBe(400);
      expect(fieldErrors(bad.body, 'username')).toEqual([
        'Enter a username of up to 150 letters, digits and @/./+/-/_ characters.',
      ]);
      expect(await userNamed('has space')).toBeUndefined();
    });
  });

  describe("setting another user's password", () => {
    it('needs auth.change_user', async () => {
      const target = await t.createUser({ username: 'guarded' });
      const viewer = await staffClient(t, 'user-viewer', { perms: ['auth.view_user'] });
      expect((await viewer.get(`${USERS}${target.id}/change/`)).statusCode).toBe(200);
      expect((await viewer.get(`${USERS}${target.id}/password/`)).statusCode).toBe(403);
      await viewer.get(ADMIN);
      const posted = await viewer.post(`${USERS}${target.id}/password/`, {
        new_password1: NEW_PASSWORD,
        new_password2: NEW_PASSWORD,
      });
      expect(posted.statusCode).toBe(403);
      expect(await canLogIn('guarded', GOOD_PASSWORD)).toBe(true);
    });

    it('sets it, logs the user out everywhere, keeps the admin logged in and writes the history', async () => {
      const target = await t.createUser({ username: 'forgetful', isStaff: true, isSuperuser: true });
      const targetSession = new TestClient(t.app);
      expect((await targetSession.login('forgetful', GOOD_PASSWORD)).statusCode).toBe(303);
      expect((await targetSession.get(ADMIN)).statusCode).toBe(200);
      const manager = await staffClient(t, 'manager', { perms: ['auth.view_user', 'auth.change_user'] });

      const url = `${USERS}${target.id}/password/`;
      const page = await manager.get(url);
      expect(page.statusCode).toBe(200);
      expect(pageText(page.body)).toContain('Change password: forgetful');

      const mismatch = await manager.post(url, {
        new_password1: NEW_PASSWORD,
        new_password2: 'something-Else-entirely-1',
      });
      expect(mismatch.statusCode).toBe(400);
      expect(fieldErrors(mismatch.body, 'new_password2')).toEqual(['The two password fields didn’t match.']);
      const weak = await manager.post(url, { new_password1: 'forgetful1', new_password2: 'forgetful1' });
      expect(weak.statusCode).toBe(400);
      expect(fieldErrors(weak.body, 'new_password1')).toContain(
        'This password is too short. It must contain at least 12 characters.',
      );
      expect(await canLogIn('forgetful', GOOD_PASSWORD)).toBe(true);
      // canLogIn made a session; the target now has two.
      expect(
        (await db().select().from(sessions).where(eq(sessions.userId, target.id))).length,
      ).toBeGreaterThan(0);

      const done = await manager.post(url, { new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD });
      expect(done.statusCode).toBe(303);
      expect(done.headers.location).toBe(`${USERS}${target.id}/change/`);
      expect(messagesOf((await follow(manager, done)).body)).toEqual(['Password changed successfully.']);

      // Every session of the target is gone; the manager's is not.
      expect(await db().select().from(sessions).where(eq(sessions.userId, target.id))).toEqual([]);
      expect((await targetSession.get(ADMIN)).statusCode).toBe(302);
      expect((await manager.get(USERS)).statusCode).toBe(200);
      expect(await canLogIn('forgetful', GOOD_PASSWORD)).toBe(false);
      expect(await canLogIn('forgetful', NEW_PASSWORD)).toBe(true);

      const log = await db()
        .select()
        .from(adminLog)
        .where(and(eq(adminLog.model, 'user'), eq(adminLog.objectId, String(target.id))));
      expect(log).toMatchObject([
        { action: 'change', username: 'manager', changes: { passwordChanged: true } },
      ]);
      expect(pageText((await manager.get(`${USERS}${target.id}/history/`)).body)).toContain(
        'manager Changed password.',
      );
    });

    it('setting one’s own password there keeps one logged in', async () => {
      const self = await staffClient(t, 'self-setter', { superuser: true });
      const row = await userNamed('self-setter');
      await self.get(`${USERS}${row!.id}/password/`);
      const done = await self.post(`${USERS}${row!.id}/password/`, {
        new_password1: NEW_PASSWORD,
        new_password2: NEW_PASSWORD,
      });
      expect(done.statusCode).toBe(303);
      expect((await self.get(ADMIN)).statusCode).toBe(200);
      expect(await canLogIn('self-setter', NEW_PASSWORD)).toBe(true);
    });
  });

  describe('groups', () => {
    it('a group made in the admin grants its permissions to the users added to it', async () => {
      const member = await staffClient(t, 'joiner', {});
      expect((await member.get(`${ADMIN}blog/post/`)).statusCode).toBe(403);
      const [post] = await db().insert(posts).values({ title: 'Grouped', slug: 'grouped' }).returning();

      // The group, with two permissions picked from the permission select.
      const groupForm = await root.get(`${ADMIN}auth/group/add/`);
      const permissionRows = await db()
        .select()
        .from(permissions)
        .where(and(eq(permissions.appLabel, 'blog')));
      const wanted = permissionRows.filter((row) => ['view_post', 'change_post'].includes(row.codename));
      for (const row of wanted) {
        expect(groupForm.body).toContain(`<option value="${row.id}">Blog | post | ${row.name}</option>`);
      }
      const created = await openAndSubmit(
        root,
        `${ADMIN}auth/group/add/`,
        { name: 'Editors', permissions: wanted.map((row) => String(row.id)) },
        { button: '_continue' },
      );
      expect(created.statusCode).toBe(303);
      const [group] = await db().select().from(groups).where(eq(groups.name, 'Editors'));
      const granted = await db()
        .select()
        .from(groupPermissions)
        .where(eq(groupPermissions.groupId, group!.id));
      expect(granted.map((row) => row.permissionId).sort()).toEqual(wanted.map((row) => row.id).sort());

      // The user joins it through the user's change form.
      const joiner = await userNamed('joiner');
      const joined = await openAndSubmit(root, `${USERS}${joiner!.id}/change/`, {
        groups: [String(group!.id)],
      });
      expect(joined.statusCode).toBe(303);
      expect(await db().select().from(userGroups).where(eq(userGroups.userId, joiner!.id))).toEqual([
        { userId: joiner!.id, groupId: group!.id },
      ]);
      expect(pageText((await root.get(`${USERS}${joiner!.id}/history/`)).body)).toContain('Changed groups.');

      // Their next request has the group's permissions.
      expect((await member.get(`${ADMIN}blog/post/`)).statusCode).toBe(200);
      const saved = await openAndSubmit(member, `${ADMIN}blog/post/${post!.id}/change/`, {
        title: 'Grouped, edited',
      });
      expect(saved.statusCode).toBe(303);
      expect((await db().select().from(posts).where(eq(posts.id, post!.id)))[0]?.title).toBe(
        'Grouped, edited',
      );
      expect((await member.get(`${ADMIN}blog/post/add/`)).statusCode).toBe(403);

      // Leaving the group takes the permissions away again.
      expect((await openAndSubmit(root, `${USERS}${joiner!.id}/change/`, { groups: null })).statusCode).toBe(
        303,
      );
      expect((await member.get(`${ADMIN}blog/post/`)).statusCode).toBe(403);
    });
  });

  describe('changing one’s own password', () => {
    const URL = `${ADMIN}password_change/`;

    it('needs the old password and two matching, valid new ones', async () => {
      const client = await staffClient(t, 'changer-a', {});
      const page = await client.get(URL);
      expect(page.statusCode).toBe(200);
      const wrongOld = await client.post(URL, {
        old_password: 'not-my-password-at-all',
        new_password1: NEW_PASSWORD,
        new_password2: NEW_PASSWORD,
      });
      expect(wrongOld.statusCode).toBe(400);
      expect(fieldErrors(wrongOld.body, 'old_password')).toEqual([
        'Your old password was entered incorrectly. Please enter it again.',
      ]);
      const mismatch = await client.post(URL, {
        old_password: GOOD_PASSWORD,
        new_password1: NEW_PASSWORD,
        new_password2: 'a-Different-passphrase-9',
      });
      expect(mismatch.statusCode).toBe(400);
      expect(fieldErrors(mismatch.body, 'new_password2')).toEqual(['The two password fields didn’t match.']);
      const weak = await client.post(URL, {
        old_password: GOOD_PASSWORD,
        new_password1: 'qwerty123456',
        new_password2: 'qwerty123456',
      });
      expect(weak.statusCode).toBe(400);
      expect(fieldErrors(weak.body, 'new_password1')).toEqual(['This password is too common.']);
      expect(await canLogIn('changer-a', GOOD_PASSWORD)).toBe(true);
    });

    it('changes it, keeps this session, ends the others, and the new password logs in', async () => {
      const client = await staffClient(t, 'changer-b', {});
      const other = new TestClient(t.app);
      expect((await other.login('changer-b', GOOD_PASSWORD)).statusCode).toBe(303);
      await client.get(URL);
      const done = await client.post(URL, {
        old_password: GOOD_PASSWORD,
        new_password1: NEW_PASSWORD,
        new_password2: NEW_PASSWORD,
      });
      expect(done.statusCode).toBe(303);
      expect(done.headers.location).toBe(ADMIN);
      const index = await follow(client, done);
      expect(index.statusCode).toBe(200);
      expect(messagesOf(index.body)).toEqual(['Your password was changed.']);
      expect((await client.get(`${ADMIN}password_change/`)).statusCode).toBe(200);
      expect((await other.get(ADMIN)).statusCode).toBe(302);
      expect(await canLogIn('changer-b', NEW_PASSWORD)).toBe(true);
      expect(await canLogIn('changer-b', GOOD_PASSWORD)).toBe(false);
    });
  });
});
