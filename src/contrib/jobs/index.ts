/**
 * The jobs app: the background job queue (./queue.ts, pg-boss on the site's database), how handlers
 * run (./executor.ts), and the admin's "Background jobs" page. Apps define their own jobs
 * (`KeenApp.jobs`); this app owns the permissions (`jobs.view_job`, `jobs.change_job`) and the page.
 */
import { scheduledBackupJob } from '../../deploy/backup-job.js';
import type { KeenApp } from '../../web/keen-app.js';
import { jobsAdminView } from './admin-view.js';
import { jobsMessages } from './messages.js';

export const jobsApp: KeenApp = {
  name: 'jobs',
  dependsOn: ['auth', 'admin'],
  models: [{ name: 'job', verboseName: 'background job' }],
  messages: jobsMessages,
  adminViews: [jobsAdminView],
  // The site-wide scheduled work that belongs to no app (apps list their own, like sessions.clear_expired).
  jobs: [scheduledBackupJob],
};
