/**
 * The installed apps (Django's INSTALLED_APPS), in dependency order. Each is one folder exporting one
 * KeenApp; adding an app = adding it here (and its schema to src/db/schema.ts).
 */
import { blogApp } from './apps/blog/index.js';
import { homeApp } from './apps/home/index.js';
import { resumeApp } from './apps/resume/index.js';
import { siteApp } from './apps/site/index.js';
import { adminApp } from './contrib/admin/index.js';
import { authApp } from './contrib/auth/index.js';
import { emailApp } from './contrib/email/index.js';
import { healthApp } from './contrib/health/index.js';
import { jobsApp } from './contrib/jobs/index.js';
import { mediaApp } from './contrib/media/index.js';
import { metricsApp } from './contrib/metrics/index.js';
import { redirectsApp } from './contrib/redirects/index.js';
import { sessionsApp } from './contrib/sessions/index.js';
import type { KeenApp } from './web/keen-app.js';

export const installedApps: readonly KeenApp[] = Object.freeze([
  sessionsApp,
  emailApp,
  authApp,
  mediaApp,
  adminApp,
  jobsApp,
  healthApp,
  metricsApp,
  siteApp,
  blogApp,
  resumeApp,
  homeApp,
  // Last: it answers only what no other app did.
  redirectsApp,
]);
