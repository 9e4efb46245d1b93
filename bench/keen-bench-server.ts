/**
 * `keen serve` for the benchmark: the same supervisor and workers production runs, with the bench app
 * installed after the real ones. The runner bundles this with esbuild (as scripts/build.mjs bundles the
 * CLI) and starts the built JS, so what is measured is the production build, not tsx.
 */
import cluster from 'node:cluster';
import { isWorkerMessage } from '../src/server/messages.js';
import { READY_LINE } from './bench-constants.js';

// Settings come from the environment the runner sets (BIND, WEB_CONCURRENCY, …), as in production.
const overrides: Record<string, string> = {};

if (cluster.isPrimary) {
  // A second listener on the supervisor's own protocol; with LOG_LEVEL=warn its "worker ready" log
  // line is not printed, and request logging must stay off while measuring.
  cluster.on('message', (worker, message: unknown) => {
    if (isWorkerMessage(message) && message.type === 'keen:ready') {
      process.stdout.write(`${READY_LINE}${worker.process.pid}\n`);
    }
  });
  // Loaded like `keen serve` loads them: each side only its own code (src/cli/commands/serve.ts).
  const { runSupervisor } = await import('../src/server/run-supervisor.js');
  process.exit(await runSupervisor(overrides));
} else {
  // The worker then lives on its server; the drain logic decides when it exits.
  const [{ runWorker }, { installedApps }, { benchApp }] = await Promise.all([
    import('../src/server/worker.js'),
    import('../src/installed-apps.js'),
    import('./bench-app.js'),
  ]);
  await runWorker({ apps: [...installedApps, benchApp], overrides });
}
