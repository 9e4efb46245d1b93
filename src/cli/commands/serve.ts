/**
 * `keen serve`: the production server. In the primary process it runs the supervisor (Gunicorn's
 * arbiter); the workers it forks re-run this same command and end up in `runWorker`.
 */
import cluster from 'node:cluster';
import { runSupervisor } from '../../server/run-supervisor.js';
import { runWorker } from '../../server/worker.js';
import { type Command, parseArgs } from '../command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the production server: a supervisor and WEB_CONCURRENCY workers (SIGHUP reloads)',
  usage: 'keen serve [--bind HOST:PORT] [--workers N]',
  async run(args) {
    const { values } = parseArgs(args, ['bind', 'workers']);
    const overrides: Record<string, string> = {};
    if (values.has('bind')) overrides.BIND = values.get('bind') as string;
    if (values.has('workers')) overrides.WEB_CONCURRENCY = values.get('workers') as string;
    if (cluster.isWorker) {
      await runWorker({ overrides });
      // The worker now lives on its server; its exit is decided by the drain logic.
      return new Promise<number>(() => {});
    }
    const code = await runSupervisor(overrides);
    process.exit(code);
  },
};
