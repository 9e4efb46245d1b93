/**
 * Checks that run on every `keen check`, not just `--deploy`: things that would otherwise only show up
 * when the server starts.
 */
import { AdminSite } from '../contrib/admin/site.js';
import { AdminConfigError, AppRegistryError, I18nError, type KeenError, PipelineError } from '../errors.js';
import { baseLanguage } from '../i18n/languages.js';
import { SOURCE_LANGUAGE } from '../i18n/messages.js';
import { installedApps } from '../installed-apps.js';
import type { Settings } from '../settings.js';
import { type KeenApp, validateCatalogues, validateInstalledApps } from '../web/keen-app.js';
import { pipeline } from '../web/pipeline.js';
import { type Stage, validatePipeline } from '../web/stage.js';
import type { SystemCheck } from './registry.js';

/**
 * A check that runs the same validation the server runs at start: the validation's own coded error
 * becomes the finding; anything else is a bug and is thrown as is.
 */
function startupValidationCheck(
  id: string,
  errorClass: new (...args: never[]) => KeenError,
  finding: string,
  validate: (settings: Readonly<Settings>) => void,
  hint: string,
): SystemCheck {
  return {
    id,
    level: 'error',
    deployOnly: false,
    run(settings) {
      try {
        validate(settings);
        return null;
      } catch (error) {
        if (error instanceof errorClass) return `${finding}: ${error.message}`;
        throw error;
      }
    },
    hint,
  };
}

/** keen.E001 for `stages`: each stage's prerequisites must come before it (what the server enforces). */
export function pipelineCheck(stages: readonly Stage[] = pipeline): SystemCheck {
  return startupValidationCheck(
    'keen.E001',
    PipelineError,
    'the request pipeline is invalid',
    () => validatePipeline(stages),
    'Reorder or add the stage in src/web/pipeline.ts so every stage comes after the ones it requires.',
  );
}

/** keen.E002 for `apps`: each installed app's dependencies must be installed before it. */
export function installedAppsCheck(apps: readonly KeenApp[] = installedApps): SystemCheck {
  return startupValidationCheck(
    'keen.E002',
    AppRegistryError,
    'the installed apps are invalid',
    () => validateInstalledApps(apps),
    'Add the missing app to src/installed-apps.ts, before the apps that depend on it.',
  );
}

/** keen.E003 for `apps`: every admin registration must name real columns and models. */
export function adminRegistrationsCheck(apps: readonly KeenApp[] = installedApps): SystemCheck {
  return startupValidationCheck(
    'keen.E003',
    AdminConfigError,
    'an admin registration is invalid',
    () => new AdminSite(apps, '/admin/'),
    "Fix the app's defineAdmin(...) options (docs/admin.md lists them).",
  );
}

/** keen.E004 for `apps`: every message catalogue complete and well formed for LANGUAGES (or `languages`). */
export function catalogueCheck(
  apps: readonly KeenApp[] = installedApps,
  languages?: readonly string[],
): SystemCheck {
  return startupValidationCheck(
    'keen.E004',
    I18nError,
    'the message catalogues are incomplete',
    (settings) => validateCatalogues(apps, languages ?? settings.languages),
    "Add the missing messages to the app's locale/<language>.json, or remove the language from LANGUAGES.",
  );
}

/**
 * keen.W004 for `apps`: the admin names every registered model, field and choice from the apps'
 * catalogues in each of LANGUAGES but English (falling back to the registration's English shows English words on a
 * Russian admin). Only checked when the registrations themselves are valid (keen.E003 reports those).
 */
export function adminLabelsCheck(apps: readonly KeenApp[] = installedApps): SystemCheck {
  return {
    id: 'keen.W004',
    level: 'warning',
    deployOnly: false,
    run(settings) {
      let site: AdminSite;
      try {
        site = new AdminSite(apps, '/admin/');
      } catch (error) {
        if (error instanceof AdminConfigError) return null;
        throw error;
      }
      // The source language falls back to the registrations' own English, which is what it would say.
      const translated = settings.languages.filter((language) => baseLanguage(language) !== SOURCE_LANGUAGE);
      const missing = translated.flatMap((language) =>
        site.in(language).missingLabels.map((id) => `${language} ${id}`),
      );
      if (missing.length === 0) return null;
      const shown = missing.slice(0, 10).join('; ');
      return `the admin has no translated name for ${missing.length} label(s): ${shown}${missing.length > 10 ? '; …' : ''}`;
    },
    hint: 'Add the ids to the app\'s locale/<language>.json (docs/i18n.md, "Names in the admin").',
  };
}

/** The checks of a plain `keen check`. */
export const coreChecks: readonly SystemCheck[] = Object.freeze([
  pipelineCheck(),
  installedAppsCheck(),
  adminRegistrationsCheck(),
  catalogueCheck(),
  adminLabelsCheck(),
]);
