/**
 * The redirects app (Django's contrib.redirects): a table of old addresses, edited in the admin and
 * filled by `keen import-django`, answered when a GET or HEAD would otherwise be a 404 (through the
 * error boundary's `movedPageFor`): 301 to the new address, or 410 when the new address is empty.
 */
import type { KeenApp } from '../../web/keen-app.js';
import { redirectAdmin } from './admin.js';
import { findRedirect } from './lookup.js';
import { redirectMessages } from './messages.js';

export const redirectsApp: KeenApp = {
  name: 'redirects',
  dependsOn: ['admin'],
  models: [{ name: 'redirect', verboseName: 'redirect' }],
  admin: [redirectAdmin],
  messages: redirectMessages,
  routes(app, { database }) {
    app.decorate('movedPageFor', (path: string) => findRedirect(database.db, path));
  },
};
