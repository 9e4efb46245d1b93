// `keen worker` as an operator runs it: on PostgreSQL it takes the jobs the web app enqueues (here the
// résumé PDF build) and stops cleanly on SIGTERM with exit 0; on the embedded database it refuses,
// because `keen serve` runs the jobs there.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPdfJob } from '../../src/apps/resume/pdf-routes.js';
import { pdfBuilds, profiles } from '../../src/apps/resume/schema.js';
import { projectRoot } from '../../src/project-root.js';
import { createTestApp, TEST_SECRET_KEY } from '../support/app.js';
import { createTestDatabase, ENGINE } from '../support/database.js';

function startWorker(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--concurrency', '1'],
    {
      cwd: projectRoot(),
      env: {
        PATH: process.env.PATH ?? '',
        SECRET_KEY: TEST_SECRET_KEY,
        DEBUG: '',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

describe('keen worker', () => {
  const media = mkdtempSync(join(tmpdir(), 'keen-worker-media-'));
  afterAll(() => rmSync(media, { recursive: true, force: true }));

  it.runIf(ENGINE === 'postgres')(
    'runs the jobs the site enqueues, and stops on SIGTERM with exit 0',
    async () => {
      const database = await createTestDatabase();
      // As in the Docker image, the worker runs beside collected static files (DEBUG is off).
      const staticRoot = join(media, 'static');
      execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'collectstatic', '--noinput'], {
        cwd: projectRoot(),
        env: { PATH: process.env.PATH ?? '', SECRET_KEY: TEST_SECRET_KEY, STATIC_ROOT: staticRoot },
      });
      const env = {
        DATABASE_URL: database.url as string,
        MEDIA_ROOT: media,
        KEEN_DATA_DIR: media,
        STATIC_ROOT: staticRoot,
      };
      const t = await createTestApp({ database, env: { MEDIA_ROOT: media } });
      const worker = startWorker(env);
      try {
        await expect.poll(() => worker.output(), { timeout: 30_000 }).toContain('keen worker is taking jobs');
        await t.app.jobs.start({ work: false });
        const [profile] = await database.db
          .insert(profiles)
          .values({ fullName: 'Анна', isActive: true })
          .returning();
        await t.app.jobs.enqueue(
          buildPdfJob.name,
          { profileId: profile!.id },
          { singletonKey: 'worker-test' },
        );
        await expect
          .poll(
            async () =>
              (await database.db.select().from(pdfBuilds).where(eq(pdfBuilds.profileId, profile!.id))).length,
            {
              timeout: 30_000,
            },
          )
          .toBe(t.settings.languages.length);
        worker.child.kill('SIGTERM');
        expect(await worker.exit).toBe(0);
        expect(worker.output()).toContain('keen worker stopped');
      } finally {
        worker.child.kill('SIGKILL');
        await t.close();
        await database.close();
      }
    },
    90_000,
  );

  it('keen jobs lists the queues, and refuses a bad action or id with one line', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'jobs', ...args], {
          cwd: projectRoot(),
          env: {
            PATH: process.env.PATH ?? '',
            SECRET_KEY: TEST_SECRET_KEY,
            DATABASE_URL: '',
            KEEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'keen-jobs-')),
            LOG_LEVEL: 'warn',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.stderr?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.once('exit', (code) => resolve({ code, output }));
      });
    const listed = await run(['--failed']);
    expect(listed.code).toBe(0);
    expect(listed.output).toContain('no jobs yet');
    expect(listed.output).toContain('no failed jobs');
    const bad = await run(['retry', 'resume.build_pdf', 'not-a-uuid']);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('needs a queue name and a job id');
  }, 90_000);

  it('refuses the embedded database, saying why', async () => {
    const worker = startWorker({ DATABASE_URL: '', KEEN_DATA_DIR: media });
    expect(await worker.exit).toBe(1);
    expect(worker.output()).toContain('runs jobs inside `keen serve`');
  }, 60_000);
});
