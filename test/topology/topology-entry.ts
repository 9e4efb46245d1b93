/**
 * `keen serve` with one extra test-only route, for the nginx topology test: POST /topology-upload/
 * stores one PDF through the media app (so an upload through nginx can be checked end to end).
 * Built with esbuild into the build copy; the supervisor and workers are Keen's own.
 */
import cluster from 'node:cluster';
import { parseArgs } from '../../src/cli/command.js';
import { receiveForm, saveFile } from '../../src/contrib/media/index.js';
import { installedApps } from '../../src/installed-apps.js';
import { runSupervisor } from '../../src/server/run-supervisor.js';
import { runWorker } from '../../src/server/worker.js';
import type { KeenApp } from '../../src/web/keen-app.js';

const uploadApp: KeenApp = {
  name: 'topology_upload',
  dependsOn: ['media'],
  routes(app) {
    // CSRF-exempt: the test checks sizes through the proxy, not the form flow (tested elsewhere).
    app.post('/topology-upload/', { config: { csrf: false } }, async (request, reply) => {
      const form = await receiveForm(request);
      const file = form.files.file;
      if (!file) return reply.code(400).send({ error: 'no file' });
      const stored = await saveFile(request.server.media, file);
      return reply.code(201).send({ name: stored.name, size: stored.size });
    });
  },
};

const { values } = parseArgs(process.argv.slice(3), ['bind']);
const overrides: Record<string, string> = values.has('bind') ? { BIND: values.get('bind') as string } : {};
if (cluster.isPrimary) {
  process.exit(await runSupervisor(overrides));
} else {
  await runWorker({ apps: [...installedApps, uploadApp], overrides });
}
