/**
 * The auth app: users, groups, permissions; login, logout, password change, first-run setup, the
 * user's own sessions page, two-factor authentication (two-factor/) and password reset by email
 * (password-reset/).
 */
import type { KeenApp } from '../../web/keen-app.js';
import { defineJob } from '../jobs/queue.js';
import { groupAdmin, permissionAdmin, userAdmin } from './admin.js';
import { authMessages } from './messages.js';
import { passwordResetJob } from './password-reset/job.js';
import { registerPasswordResetRoutes } from './password-reset/views.js';
import { registerSessionRoutes } from './sessions-page.js';
import { registerTwoFactorRoutes } from './two-factor/views.js';
import { registerAuthRoutes } from './views.js';

/** Login-throttle counters whose window has passed, deleted on a schedule (THROTTLE_CLEANUP_SCHEDULE). */
export const pruneThrottleJob = defineJob<Record<string, never>>({
  name: 'auth.prune_throttle',
  policy: 'short',
  schedule: (settings) => settings.throttleCleanupSchedule,
  async handler(_data, { app, log }) {
    const count = await app.keen.stores.throttle.prune();
    log.info({ count }, 'old login-throttle counters deleted');
  },
});

export const authApp: KeenApp = {
  name: 'auth',
  dependsOn: ['sessions', 'email'],
  models: [
    { name: 'user', verboseName: 'user' },
    { name: 'group', verboseName: 'group' },
    { name: 'permission', verboseName: 'permission' },
  ],
  admin: [userAdmin, groupAdmin, permissionAdmin],
  messages: authMessages,
  jobs: [pruneThrottleJob, passwordResetJob],
  routes(app, context) {
    registerAuthRoutes(app, context);
    registerSessionRoutes(app, context);
    registerTwoFactorRoutes(app, context);
    registerPasswordResetRoutes(app, context);
  },
};
