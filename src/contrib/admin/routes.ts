/** The admin's URLs (Django's AdminSite.get_urls + ModelAdmin.get_urls), each view in ./views. */
import type { FastifyInstance } from 'fastify';
import type { KeenApp } from '../../web/keen-app.js';
import type { WebContext } from '../../web/stage.js';
import type { AdminView } from './define.js';
import { schemaTables } from './delete-plan.js';
import { AdminSite } from './site.js';
import { requireSecondFactorForAdmin } from './two-factor-gate.js';
import { registerAutocompleteView } from './views/autocomplete.js';
import { registerChangeFormViews } from './views/change-form.js';
import { registerChangeListViews } from './views/changelist.js';
import { registerDeleteViews } from './views/delete.js';
import { registerHistoryView } from './views/history.js';
import { registerIndexViews } from './views/index.js';
import { registerPasswordViews } from './views/password.js';
import { registerPreferencesView } from './views/preferences.js';
import type { AdminEnvironment } from './views/shared.js';

export function registerAdminRoutes(app: FastifyInstance, context: WebContext): AdminSite {
  const site = new AdminSite(context.apps, context.settings.adminPath);
  const environment: AdminEnvironment = {
    site,
    db: context.database.db,
    settings: context.settings,
    stores: context.stores,
    // The deletion plan follows foreign keys across every table of the schema.
    tables: schemaTables(),
    views: adminViews(context.apps),
  };
  if (context.settings.adminRequire2fa) requireSecondFactorForAdmin(app, site.basePath);
  // Static paths first in the list for readers; the router prefers them over `:app/` anyway.
  registerAutocompleteView(app, environment);
  registerPasswordViews(app, environment);
  registerPreferencesView(app, environment);
  registerIndexViews(app, environment);
  registerChangeListViews(app, environment);
  registerChangeFormViews(app, environment);
  registerDeleteViews(app, environment);
  registerHistoryView(app, environment);
  for (const view of environment.views) view.register(app, environment, `${site.basePath}${view.path}`);
  return site;
}

/** Every installed app's own admin pages, in app order. */
function adminViews(apps: readonly KeenApp[]): AdminView[] {
  return apps.flatMap((keenApp) => [...(keenApp.adminViews ?? [])]);
}
