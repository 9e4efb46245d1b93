/**
 * A stage of the request pipeline (Django's middleware). Each stage is one file in ./middleware and
 * adds its Fastify hooks in `register`; ./pipeline.ts lists them in order.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { StaticMode } from '../contrib/staticfiles/static-urls.js';
import type { Database } from '../db/client.js';
import { PipelineError } from '../errors.js';
import type { Settings } from '../settings.js';
import type { Stores } from '../stores/index.js';
import type { KeenApp } from './keen-app.js';

/** What every stage and app receives when the web app is built. */
export interface WebContext {
  settings: Readonly<Settings>;
  database: Database;
  /** Sessions, throttle counters and the cache, on the backends the settings chose. */
  stores: Stores;
  logger: Logger;
  /** The installed apps, in order. */
  apps: readonly KeenApp[];
  /** How static files are found and linked; by default `manifest` with DEBUG off, `sources` in DEBUG. */
  staticMode?: StaticMode;
}

export interface Stage {
  name: string;
  /** Stages that must come earlier in the pipeline. */
  requires?: readonly string[];
  register(app: FastifyInstance, context: WebContext): void;
}

/**
 * Checks that each stage's prerequisites come before it; throws a coded {@link PipelineError}
 * otherwise, at boot, before anything is served.
 */
export function validatePipeline(stages: readonly Stage[]): void {
  const seen = new Set<string>();
  for (const stage of stages) {
    if (seen.has(stage.name)) throw new PipelineError(`stage "${stage.name}" is listed twice`);
    for (const needed of stage.requires ?? []) {
      if (!seen.has(needed)) {
        const where = stages.some((s) => s.name === needed) ? 'comes after it' : 'is missing';
        throw new PipelineError(
          `stage "${stage.name}" needs "${needed}" before it, but "${needed}" ${where}`,
        );
      }
    }
    seen.add(stage.name);
  }
}
