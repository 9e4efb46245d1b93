// The site settings: one row made by the migration, edited in the admin, shown on every page from
// memory (no query per page once loaded), refreshed at once after a save.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteSettings } from '../../src/apps/site/schema.js';
import { ADMIN, staffClient } from '../admin/support.js';
import { type AdminTestApp, createAdminTestApp, openAndSubmit } from '../admin/view-helpers.js';
import { ENGINE } from '../support/database.js';

describe(`site settings (${ENGINE})`, () => {
  let t: AdminTestApp;
  beforeAll(async () => {
    t = await createAdminTestApp();
  });
  afterAll(() => t.close());

  it('exists as one row after migrating, and a second row is refused by the database', async () => {
    const rows = await t.database.db.select().from(siteSettings);
    expect(rows.map((row) => [row.id, row.siteName])).toEqual([[1, 'Keen']]);
    await expect(t.database.db.insert(siteSettings).values({ id: 2 })).rejects.toThrow();
  });

  it('names the site in the header and titles, and a save in the admin shows at once', async () => {
    const before = await t.app.inject({ url: '/', headers: { host: 'localhost' } });
    expect(before.body).toMatch(/class="SiteHeader-brand"[^>]*>Keen</);
    const root = await staffClient(t, 'owner', { superuser: true });
    const saved = await openAndSubmit(root, `${ADMIN}site/sitesettings/1/change/`, {
      siteName: 'Ядро Кина',
      tagline: 'Заметки инженера',
    });
    expect(saved.statusCode).toBe(303);
    const after = await t.app.inject({ url: '/blog/', headers: { host: 'localhost' } });
    expect(after.body).toMatch(/class="SiteHeader-brand"[^>]*>Ядро Кина</);
    expect(after.body).toContain('· Ядро Кина</title>');
  });
});
