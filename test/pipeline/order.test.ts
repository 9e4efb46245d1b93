// The pipeline is one ordered list, validated at boot (style anchor 1).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../src/errors.js';
import { pipeline } from '../../src/web/pipeline.js';
import { validatePipeline } from '../../src/web/stage.js';
import { createTestApp } from '../support/app.js';

describe('pipeline order', () => {
  it("is the seed's middleware order, with Django's LocaleMiddleware (and i18n_patterns) after sessions", () => {
    expect(pipeline.map((stage) => stage.name)).toEqual([
      'security',
      'static',
      'sessions',
      'locale',
      'languagePrefix',
      'common',
      'pageCache',
      'csrf',
      'auth',
      'messages',
      'clickjacking',
    ]);
  });

  it('boot fails with a coded error when a stage comes before what it needs', async () => {
    const names = (list: typeof pipeline) => () => validatePipeline(list);
    const byName = Object.fromEntries(pipeline.map((stage) => [stage.name, stage]));
    const authFirst = [byName.auth, byName.sessions].filter((s) => s !== undefined);
    expect(names(authFirst)).toThrow(PipelineError);
    expect(names(authFirst)).toThrow(/"auth" needs "sessions" before it, but "sessions" comes after it/);
    const noSessions = pipeline.filter((stage) => stage.name !== 'sessions');
    expect(names(noSessions)).toThrow(/"sessions" is missing/);
    await expect(createTestApp({ pipeline: authFirst })).rejects.toMatchObject({ code: 'KEEN_E_PIPELINE' });
  });

  it('each stage is one file in src/web/middleware, and only pipeline.ts registers them', () => {
    const dir = join(import.meta.dirname, '../../src/web/middleware');
    const files = readdirSync(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
    expect(files).toHaveLength(pipeline.length);
    const pipelineSource = readFileSync(join(import.meta.dirname, '../../src/web/pipeline.ts'), 'utf8');
    for (const file of files) expect(pipelineSource).toContain(`./middleware/${file.replace('.ts', '.js')}`);
  });
});
