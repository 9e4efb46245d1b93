// Issue 14: a session left unused while its user was inactive must not work again after re-activation.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissions, userPermissions, users } from '../../src/contrib/auth/schema.js';
import { sessions } from '../../src/contrib/sessions/schema.js';
import { GOOD_PASSWORD } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { type AdminTestApp, createAdminTestApp, openAndSubmit } from './view-helpers.js';

describe(`deactivating a user in the admin (${ENGINE})`, () => {
  let t: AdminTestApp;
  beforeAll(async () => {
    t = await createAdminTestApp();
    await t.createUser({ username: 'root', isStaff: true, isSuperuser: true });
  });
  afterAll(() => t.close());

  it('ends their sessions, so re-activating them does not bring an old session back', async () => {
    const alice = await t.createUser({ username: 'alice' });
    const aliceBrowser = new TestClient(t.app);
    expect((await aliceBrowser.login('alice', GOOD_PASSWORD)).statusCode).toBe(303);
    expect((await aliceBrowser.get('/')).body).toContain('<span class="SiteHeader-user">alice</span>');
    const root = new TestClient(t.app);
    await root.login('root', GOOD_PASSWORD);
    const url = `/admin/auth/user/${alice.id}/change/`;

    // isActive unticked: the checkbox is simply not sent.
    expect((await openAndSubmit(root, url, { isActive: null })).statusCode).toBe(303);
    expect((await t.database.db.select().from(users).where(eq(users.id, alice.id)))[0]?.isActive).toBe(false);
    expect(await t.database.db.select().from(sessions).where(eq(sessions.userId, alice.id))).toEqual([]);

    // Re-activated before alice's browser came back: her old cookie is anonymous.
    expect((await openAndSubmit(root, url, { isActive: 'on' })).statusCode).toBe(303);
    const page = await aliceBrowser.get('/');
    expect(page.body).not.toContain('<span class="SiteHeader-user">alice</span>');
    // Saving an active user's other fields ends nothing.
    const again = new TestClient(t.app);
    await again.login('alice', GOOD_PASSWORD);
    expect((await openAndSubmit(root, url, { firstName: 'Alice' })).statusCode).toBe(303);
    expect((await again.get('/')).body).toContain('<span class="SiteHeader-user">alice</span>');
  });
});

describe(`superuser status in the user admin (${ENGINE})`, () => {
  let t: AdminTestApp;
  beforeAll(async () => {
    t = await createAdminTestApp();
    await t.createUser({ username: 'root', isStaff: true, isSuperuser: true });
  });
  afterAll(() => t.close());

  it('only a superuser may change it: an editor with auth.change_user cannot make themselves one', async () => {
    const editor = await t.createUser({ username: 'editor', isStaff: true });
    const [permission] = await t.database.db
      .select()
      .from(permissions)
      .where(eq(permissions.codename, 'change_user'));
    await t.database.db.insert(userPermissions).values({ userId: editor.id, permissionId: permission!.id });
    const browser = new TestClient(t.app);
    await browser.login('editor', GOOD_PASSWORD);
    const url = `/admin/auth/user/${editor.id}/change/`;
    const page = await browser.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/<input[^>]*name="isSuperuser"/);
    // Posting the field anyway changes nothing.
    expect((await openAndSubmit(browser, url, { isSuperuser: 'on', firstName: 'Ed' })).statusCode).toBe(303);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, editor.id));
    expect(row).toMatchObject({ isSuperuser: false, firstName: 'Ed' });
    // A superuser can.
    const root = new TestClient(t.app);
    await root.login('root', GOOD_PASSWORD);
    expect((await root.get(url)).body).toMatch(/<input[^>]*name="isSuperuser"/);
    expect((await openAndSubmit(root, url, { isSuperuser: 'on' })).statusCode).toBe(303);
    expect((await t.database.db.select().from(users).where(eq(users.id, editor.id)))[0]?.isSuperuser).toBe(
      true,
    );
  });
});
