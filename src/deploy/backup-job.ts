/**
 * The scheduled backup: `keen backup --keep BACKUP_KEEP` into BACKUP_DIR at BACKUP_SCHEDULE (off by
 * default), run by the background jobs. pg-boss keeps the schedule in the database, so each run happens
 * once however many workers and hosts run; on the embedded database it runs inside `keen serve` and
 * dumps the server's own open database.
 */
import { defineJob } from '../contrib/jobs/queue.js';
import { createBackup } from './backup.js';

export const scheduledBackupJob = defineJob<Record<string, never>>({
  name: 'backup.scheduled',
  policy: 'short',
  // A backup that failed is retried twice, ten minutes apart, not hammered.
  retryLimit: 2,
  retryDelaySeconds: 600,
  expireInSeconds: 60 * 60,
  schedule: (settings) => settings.backupSchedule,
  async handler(_data, { app, log }) {
    const { settings, database } = app.keen;
    const result = await createBackup(settings, {
      outputDir: settings.backupDir,
      keep: settings.backupKeep,
      database: database.kind === 'pglite' ? database : undefined,
    });
    log.info(
      { archive: result.archive, databaseBytes: result.manifest.database.size, pruned: result.pruned.length },
      'scheduled backup written',
    );
  },
});
