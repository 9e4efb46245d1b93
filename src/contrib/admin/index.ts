/**
 * The admin app: a back office generated from the schema, for active staff, at ADMIN_PATH. Apps
 * register their tables with `defineAdmin` in their KeenApp's `admin` list. See docs/admin.md.
 */
import { join } from 'node:path';
import { projectRoot } from '../../project-root.js';
import type { KeenApp } from '../../web/keen-app.js';
import { adminMessages } from './messages.js';
import { registerAdminRoutes } from './routes.js';

export { type AdminRegistration, defineAdmin } from './define.js';

export const adminApp: KeenApp = {
  name: 'admin',
  dependsOn: ['sessions', 'auth', 'media'],
  models: [{ name: 'logentry', verboseName: 'log entry' }],
  staticDir: join(projectRoot(), 'src', 'contrib', 'admin', 'static'),
  messages: adminMessages,
  routes(app, context) {
    registerAdminRoutes(app, context);
  },
};
