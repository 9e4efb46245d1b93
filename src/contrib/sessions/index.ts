/** The sessions app: the keen_session table and its store; the pipeline stage is web/middleware/sessions.ts. */
import type { KeenApp } from '../../web/keen-app.js';

export const sessionsApp: KeenApp = { name: 'sessions' };
