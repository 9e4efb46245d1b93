/**
 * `keen serve`: the production server. In the primary process it runs the supervisor (Gunicorn's
 * arbiter); the workers it forks re-run this same command and end up in `runWorker`.
 */
import cluster from 'node:cluster';
import { type Command, parseArgs } from '../command.js';

export const serveCommand: Command = {
  usage: 'keen serve [--bind HOST:PORT] [--workers N]',
  async run(args) {
    const { values } = parseArgs(args, ['bind', 'workers']);
    const overrides: Record<string, string> = {};
    if (values.has('bind')) overrides.BIND = values.get('bind') as string;
    if (values.has('workers')) overrides.WEB_CONCURRENCY = values.get('workers') as string;
    // Each side loads only its own code: the supervisor never loads the app (a faster start, a smaller
    // primary process).
    if (cluster.isWorker) {
      const { runWorker } = await import('../../server/worker.js');
      await runWorker({ overrides });
      // The worker now lives on its server; its exit is decided by the drain logic.
      return new Promise<number>(() => {});
    }
    const { runSupervisor } = await import('../../server/run-supervisor.js');
    const code = await runSupervisor(overrides);
    process.exit(code);
  },
};
