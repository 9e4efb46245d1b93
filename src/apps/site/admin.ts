/** The site settings in the admin: one row, made by the migration, changed but never added or deleted. */
import { defineAdmin } from '../../contrib/admin/define.js';
import { lazyTranslator } from '../../i18n/messages.js';
import { siteMessages } from './messages.js';
import { siteSettings } from './schema.js';

const text = lazyTranslator(siteMessages);

/** Set by the app when its routes are added: a save refreshes the pages' copy at once. */
export const afterSiteSettingsSave: { refresh: () => void } = { refresh: () => {} };

export const siteSettingsAdmin = defineAdmin(siteSettings, {
  model: 'sitesettings',
  toString: (row) => row.siteName,
  listDisplay: ['siteName', 'tagline', 'updatedAt'],
  fields: ['siteName', 'tagline', 'about', 'robotsTxt'],
  help: {
    siteName: text('admin.siteNameHelp'),
    tagline: text('admin.taglineHelp'),
    about: text('admin.aboutHelp'),
    robotsTxt: text('admin.robotsHelp'),
  },
  beforeSave(_tx, values) {
    values.updatedAt = new Date();
  },
  async afterSave() {
    afterSiteSettingsSave.refresh();
  },
});
