/** The sessions app: the keen_session table and the stores (database, Redis); the pipeline stage is web/middleware/sessions.ts. */
import type { KeenApp } from '../../web/keen-app.js';
import { defineJob } from '../jobs/queue.js';

/** `keen clearsessions` on a schedule (CLEARSESSIONS_SCHEDULE), run by the background worker. */
export const clearSessionsJob = defineJob<Record<string, never>>({
  name: 'sessions.clear_expired',
  policy: 'short',
  schedule: (settings) => settings.clearSessionsSchedule,
  async handler(_data, { app, log }) {
    const count = await app.keen.stores.sessions.clearExpired();
    log.info({ count }, 'expired sessions deleted');
  },
});

export const sessionsApp: KeenApp = { name: 'sessions', jobs: [clearSessionsJob] };
