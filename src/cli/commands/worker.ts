/**
 * `keen worker`: runs the background jobs of every installed app (src/contrib/jobs/) on PostgreSQL,
 * as a process of its own beside `keen serve` (a compose service `worker`). SIGTERM or SIGINT stops
 * taking jobs, lets the ones in hand finish within GRACEFUL_TIMEOUT, and exits 0. On the embedded
 * database `keen serve` runs the jobs itself (one process owns PGlite), so this command refuses.
 */
import { CommandError } from '../../errors.js';
import { buildApp } from '../../web/app.js';
import { openRuntime } from '../bootstrap.js';
import type { Command } from '../command.js';
import { parseArgs } from '../command.js';

export const workerCommand: Command = {
  usage: 'keen worker [--concurrency N]',
  async run(args) {
    const { values } = parseArgs(args, ['concurrency']);
    const concurrency = Number(values.get('concurrency') ?? 2);
    if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 64)
      throw new CommandError('--concurrency must be a whole number from 1 to 64');
    const { settings, logger, database, tracing } = await openRuntime('worker', {}, { traced: true });
    if (database.kind === 'pglite') {
      await database.close();
      await tracing?.shutdown();
      throw new CommandError(
        'the embedded database runs jobs inside `keen serve`; `keen worker` needs DATABASE_URL (PostgreSQL)',
      );
    }
    const app = await buildApp({ settings, database, logger, tracing });
    await app.jobs.start({ work: true, concurrency });
    logger.info({ concurrency }, 'keen worker is taking jobs');
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    logger.info({ signal }, 'keen worker stopping: finishing the jobs in hand');
    await app.jobs.stop(settings.gracefulTimeout * 1000);
    await app.close();
    await database.close();
    await tracing?.shutdown();
    logger.info('keen worker stopped');
    return 0;
  },
};
