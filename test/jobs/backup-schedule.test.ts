// The scheduled backup (BACKUP_SCHEDULE, off by default): the job writes a checksummed archive into
// BACKUP_DIR and keeps the newest BACKUP_KEEP; on the embedded database it dumps the server's own open
// database. On PostgreSQL, two `keen worker` processes with the same schedule write one archive.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/deploy/backup.js';
import { projectRoot } from '../../src/project-root.js';
import { createTestApp, TEST_SECRET_KEY, testSettings } from '../support/app.js';
import { createTestDatabase, ENGINE } from '../support/database.js';

const POLL = { timeout: 60_000, interval: 250 };
const archives = (dir: string) => {
  try {
    return readdirSync(dir).filter((name) => name.startsWith('keen-backup-') && name.endsWith('.tar'));
  } catch {
    return [];
  }
};

describe(`the scheduled backup (${ENGINE})`, () => {
  const dirs: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is off by default; BACKUP_DIR defaults to KEEN_DATA_DIR/backups', () => {
    const settings = testSettings({ KEEN_DATA_DIR: '/srv/keen' });
    expect(settings.backupSchedule).toBeNull();
    expect(settings.backupDir).toBe('/srv/keen/backups');
    expect(settings.backupKeep).toBe(14);
  });

  it('the job writes an intact archive of the live database and keeps the newest BACKUP_KEEP', async () => {
    const database = await createTestDatabase();
    const backupDir = tempDir('keen-scheduled-backup-');
    const t = await createTestApp({
      database,
      env: {
        BACKUP_DIR: backupDir,
        BACKUP_KEEP: '2',
        ...(database.url ? { DATABASE_URL: database.url } : {}),
      },
    });
    try {
      await t.createUser({ username: 'kept-in-the-backup' });
      await t.app.jobs.start({ work: true, concurrency: 1, pollingIntervalSeconds: 0.5 });
      for (let run = 1; run <= 3; run++) {
        await t.app.jobs.enqueue('backup.scheduled', {});
        await expect.poll(() => archives(backupDir).length, POLL).toBe(Math.min(run, 2));
        if (run < 3) await new Promise((resolve) => setTimeout(resolve, 1100)); // names are per second
      }
      await expect
        .poll(async () => (await t.app.jobs.summary()).find((row) => row.queue === 'backup.scheduled'), POLL)
        .toMatchObject({ state: 'completed', count: 3 });
      const newest = archives(backupDir).sort().at(-1) as string;
      const { dir, manifest } = await openArchive(join(backupDir, newest));
      dirs.push(dir);
      expect(manifest.database.engine).toBe(ENGINE === 'pglite' ? 'pglite' : 'postgres');
      expect(manifest.database.size).toBeGreaterThan(1000);
    } finally {
      await t.close();
      await database.close();
    }
  }, 120_000);

  it.runIf(ENGINE === 'postgres')(
    'two keen worker processes with the same schedule write one archive',
    async () => {
      const database = await createTestDatabase();
      const backupDir = tempDir('keen-two-workers-');
      const staticRoot = join(tempDir('keen-two-workers-static-'), 'static');
      execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'collectstatic', '--noinput'], {
        cwd: projectRoot(),
        env: { PATH: process.env.PATH ?? '', SECRET_KEY: TEST_SECRET_KEY, STATIC_ROOT: staticRoot },
      });
      // A cron for one whole minute (UTC) that begins after the workers are up (they take ~10 s; each
      // checks the schedules every 30 s): due once, today only.
      const minute = 60_000;
      const nextMinute = Math.ceil(Date.now() / minute) * minute;
      const at = new Date(nextMinute - Date.now() > 20_000 ? nextMinute : nextMinute + minute);
      const cron = `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
      const workers: ChildProcess[] = [];
      try {
        for (let i = 0; i < 2; i++) {
          workers.push(
            spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--concurrency', '1'], {
              cwd: projectRoot(),
              env: {
                PATH: process.env.PATH ?? '',
                SECRET_KEY: TEST_SECRET_KEY,
                DATABASE_URL: database.url as string,
                STATIC_ROOT: staticRoot,
                MEDIA_ROOT: tempDir('keen-two-workers-media-'),
                BACKUP_SCHEDULE: cron,
                BACKUP_DIR: backupDir,
                TIME_ZONE: 'UTC',
                LOG_LEVEL: 'warn',
              },
              stdio: 'ignore',
            }),
          );
        }
        await expect.poll(() => archives(backupDir).length, { timeout: 150_000, interval: 500 }).toBe(1);
        // Past the scheduled minute, every worker has had its chance to send it again: still one.
        const waitMs = Math.max(0, at.getTime() + minute + 1000 - Date.now());
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        expect(archives(backupDir)).toHaveLength(1);
        // Two runs in the same second would write one file name: count the jobs themselves.
        const sent = (await database.db.execute(
          sql`select state from pgboss.job where name = 'backup.scheduled'`,
        )) as unknown as { rows: { state: string }[] };
        expect(sent.rows).toEqual([{ state: 'completed' }]);
      } finally {
        for (const worker of workers) worker.kill('SIGKILL');
        await database.close();
      }
    },
    240_000,
  );
});
