/**
 * An installed app (Django's AppConfig): one folder under src/contrib or src/apps that exports one of
 * these from its index.ts. src/installed-apps.ts lists them.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminRegistration } from '../contrib/admin/define.js';
import type { ModelInfo } from '../contrib/auth/permissions.js';
import { AppRegistryError } from '../errors.js';
import type { WebContext } from './stage.js';

export interface KeenApp {
  /** The app label, e.g. `auth`; prefixes its permissions (`auth.change_user`). */
  name: string;
  /** How people see the app's name (the admin's headings), e.g. `Résumé`; default: `name` capitalised. */
  verboseName?: string;
  /** Apps that must be installed before this one. */
  dependsOn?: readonly string[];
  /** Models that get view/add/change/delete permissions. */
  models?: readonly ModelInfo[];
  /** Absolute path of the app's static/ folder, if it has one. */
  staticDir?: string;
  /** Tables the admin edits (`defineAdmin(...)`), listed explicitly: nothing is auto-discovered. */
  admin?: readonly AdminRegistration[];
  /** Adds the app's routes. */
  routes?(app: FastifyInstance, context: WebContext): void;
}

/** Throws {@link AppRegistryError} when an app's dependency is missing or listed after it. */
export function validateInstalledApps(apps: readonly KeenApp[]): void {
  const seen = new Set<string>();
  for (const app of apps) {
    for (const needed of app.dependsOn ?? []) {
      if (!seen.has(needed))
        throw new AppRegistryError(`app "${app.name}" needs app "${needed}" installed before it`);
    }
    seen.add(app.name);
  }
}
