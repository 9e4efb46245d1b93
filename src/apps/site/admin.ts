/** The site settings in the admin: one row, made by the migration, changed but never added or deleted. */
import { defineAdmin } from '../../contrib/admin/define.js';
import { lazyTranslator } from '../../i18n/messages.js';
import { siteMessages } from './messages.js';
import { siteSettings } from './schema.js';

const text = lazyTranslator(siteMessages);

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
  // Once committed, the pages' copy is refreshed at once (other workers within its 30 s).
  async afterCommit(_row, app) {
    app.siteSettings.invalidate();
  },
});
