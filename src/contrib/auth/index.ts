/** The auth app: users, groups, permissions; login, logout, password change and first-run setup. */
import type { KeenApp } from '../../web/keen-app.js';
import { groupAdmin, permissionAdmin, userAdmin } from './admin.js';
import { authMessages } from './messages.js';
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
  routes: registerAuthRoutes,
};
