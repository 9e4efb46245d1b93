/**
 * `keen jobs`: the background job queues at a glance (jobs per queue and state), the recent failures
 * with their errors, and retrying or cancelling one job. On the embedded database stop `keen serve`
 * first (one process owns PGlite). It reads the queue tables only, so it builds no web app (and needs no
 * collected static files).
 */

import { isJobId, queueForApps } from '../../contrib/jobs/queue.js';
import { CommandError } from '../../errors.js';
import { installedApps } from '../../installed-apps.js';
import { openRuntime } from '../bootstrap.js';
import type { Command } from '../command.js';
import { parseArgs } from '../command.js';

export const jobsCommand: Command = {
  usage: 'keen jobs [--failed]\nkeen jobs retry QUEUE JOB_ID\nkeen jobs cancel QUEUE JOB_ID',
  async run(args) {
    const { flags, positional } = parseArgs(args);
    const [action, queue, id] = positional;
    if (action !== undefined && !['retry', 'cancel'].includes(action))
      throw new CommandError(`unknown action "${action.slice(0, 40)}": use retry or cancel`);
    if (action && (!queue || !id || !isJobId(id)))
      throw new CommandError(`keen jobs ${action} needs a queue name and a job id (a UUID)`);
    const { settings, logger, database } = await openRuntime('jobs');
    const jobs = queueForApps(installedApps, database, logger);
    try {
      await jobs.start({ work: false });
      if (action === 'retry' || action === 'cancel') {
        const before = await jobs.job(queue as string, id as string);
        if (!before) throw new CommandError(`no job ${id} in queue "${(queue as string).slice(0, 60)}"`);
        if (action === 'retry') await jobs.retry(queue as string, id as string);
        else await jobs.cancel(queue as string, id as string);
        const after = await jobs.job(queue as string, id as string);
        process.stdout.write(`${queue} ${id}: ${before.state} → ${after?.state ?? 'gone'}\n`);
        return 0;
      }
      const rows = await jobs.summary();
      if (rows.length === 0) process.stdout.write('no jobs yet\n');
      for (const row of rows)
        process.stdout.write(`${row.queue.padEnd(32)} ${row.state.padEnd(10)} ${row.count}\n`);
      if (flags.has('failed')) {
        const failed = await jobs.failed();
        process.stdout.write(failed.length === 0 ? '\nno failed jobs\n' : '\nfailed:\n');
        for (const job of failed) {
          process.stdout.write(
            `${job.queue} ${job.id} ${job.completedOn?.toISOString() ?? ''} ${job.error.slice(0, 200)}\n`,
          );
        }
      }
      return 0;
    } finally {
      await jobs.stop(settings.gracefulTimeout * 1000);
      await database.close();
    }
  },
};
