/**
 * The auth app: users, groups, permissions; login, logout, password change, first-run setup, and the
 * user's own sessions page.
 */
import type { KeenApp } from '../../web/keen-app.js';
import { groupAdmin, permissionAdmin, userAdmin } from './admin.js';
import { authMessages } from './messages.js';
import { registerSessionRoutes } from './sessions-page.js';
import { registerAuthRoutes } from './views.js';

export const authApp: KeenApp = {
  name: 'auth',
  dependsOn: ['sessions'],
  models: [
    { name: 'user', verboseName: 'user' },
    { name: 'group', verboseName: 'group' },
    { name: 'permission', verboseName: 'permission' },
  ],
  admin: [userAdmin, groupAdmin, permissionAdmin],
  messages: authMessages,
  routes(app, context) {
    registerAuthRoutes(app, context);
    registerSessionRoutes(app, context);
  },
};
