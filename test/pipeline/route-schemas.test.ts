// An app's route may declare JSON schemas: Fastify's compilers load on first use (src/web/schema-compilers.ts)
// and still validate the request and shape the reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedApps } from '../../src/installed-apps.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ENGINE } from '../support/database.js';

const schemaApp: KeenApp = {
  name: 'schemaprobe',
  routes(app) {
    app.get(
      '/probe/schema/',
      {
        config: { session: false },
        schema: {
          querystring: {
            type: 'object',
            properties: { n: { type: 'integer', minimum: 1 } },
            required: ['n'],
          },
          headers: { type: 'object', properties: { 'x-probe': { type: 'string', maxLength: 3 } } },
          response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } },
        },
      },
      async (request) => ({ n: (request.query as { n: number }).n, internal: 'not in the reply schema' }),
    );
  },
};

describe(`route schemas (${ENGINE})`, () => {
  let t: TestApp;
  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { host: 'localhost', ...headers } });

  beforeAll(async () => {
    t = await createTestApp({ apps: [...installedApps, schemaApp] });
  });
  afterAll(() => t.close());

  it('validates the query string and headers: 400 for what the schema refuses', async () => {
    expect((await get('/probe/schema/?n=abc')).statusCode).toBe(400);
    expect((await get('/probe/schema/?n=0')).statusCode).toBe(400);
    expect((await get('/probe/schema/')).statusCode).toBe(400);
    expect((await get('/probe/schema/?n=2', { 'x-probe': 'toolong' })).statusCode).toBe(400);
  });

  it('coerces what it accepts and serializes the reply through its schema', async () => {
    const response = await get('/probe/schema/?n=7', { 'x-probe': 'ok' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ n: 7 });
  });
});
