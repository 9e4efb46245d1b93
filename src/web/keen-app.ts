/**
 * An installed app (Django's AppConfig): one folder under src/contrib or src/apps that exports one of
 * these from its index.ts. src/installed-apps.ts lists them.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminRegistration, AdminView } from '../contrib/admin/define.js';
import type { ModelInfo } from '../contrib/auth/permissions.js';
import type { JobDefinition } from '../contrib/jobs/queue.js';
import { AppRegistryError, I18nError } from '../errors.js';
import { checkCatalogues } from '../i18n/check.js';
import type { MessageCatalogues } from '../i18n/messages.js';
import { webMessages } from './messages.js';
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
  /** Pages of the app's own under the admin (`AdminView`), listed under "Tools" on its index. */
  adminViews?: readonly AdminView[];
  /** The app's messages (`defineMessages(...)` over its locale/*.json), checked at start-up. */
  messages?: MessageCatalogues<string>;
  /** Background jobs the app runs (`defineJob(...)`), started by keen serve or keen worker. */
  jobs?: readonly JobDefinition<object>[];
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

/**
 * Throws {@link I18nError} when a catalogue of the site's frame or of an installed app lacks a message,
 * has one the English source does not, misuses a placeholder, does not parse, or when an enabled
 * language has no catalogue.
 */
export function validateCatalogues(apps: readonly KeenApp[], languages: readonly string[]): void {
  const all = [webMessages, ...apps.flatMap((app) => (app.messages ? [app.messages] : []))];
  const problems = checkCatalogues(all, languages);
  if (problems.length > 0) throw new I18nError(problems);
}
