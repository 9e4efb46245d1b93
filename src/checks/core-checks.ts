/**
 * Checks that run on every `keen check`, not just `--deploy`: things that would otherwise only show up
 * when the server starts.
 */
import { AppRegistryError, PipelineError } from '../errors.js';
import { installedApps } from '../installed-apps.js';
import { type KeenApp, validateInstalledApps } from '../web/keen-app.js';
import { pipeline } from '../web/pipeline.js';
import { type Stage, validatePipeline } from '../web/stage.js';
import type { SystemCheck } from './registry.js';

/** keen.E001 for `stages`: each stage's prerequisites must come before it (what the server enforces). */
export function pipelineCheck(stages: readonly Stage[] = pipeline): SystemCheck {
  return {
    id: 'keen.E001',
    level: 'error',
    deployOnly: false,
    run() {
      try {
        validatePipeline(stages);
        return null;
      } catch (error) {
        // Only the pipeline's own complaint is a finding; anything else is a bug to surface as is.
        if (error instanceof PipelineError) return `the request pipeline is invalid: ${error.message}`;
        throw error;
      }
    },
    hint: 'Reorder or add the stage in src/web/pipeline.ts so every stage comes after the ones it requires.',
  };
}

/** keen.E002 for `apps`: each installed app's dependencies must be installed before it. */
export function installedAppsCheck(apps: readonly KeenApp[] = installedApps): SystemCheck {
  return {
    id: 'keen.E002',
    level: 'error',
    deployOnly: false,
    run() {
      try {
        validateInstalledApps(apps);
        return null;
      } catch (error) {
        if (error instanceof AppRegistryError) return `the installed apps are invalid: ${error.message}`;
        throw error;
      }
    },
    hint: 'Add the missing app to src/installed-apps.ts, before the apps that depend on it.',
  };
}

/** The checks of a plain `keen check`. */
export const coreChecks: readonly SystemCheck[] = Object.freeze([pipelineCheck(), installedAppsCheck()]);
