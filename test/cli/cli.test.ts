/**
 * The `keen` command as an operator runs it: real child processes (through tsx, so no build is needed),
 * each with its own data folder (never ./var) and, under KEEN_TEST_DATABASE_URL, its own PostgreSQL
 * database. A few prompt loops are tested in-process, since they need a terminal otherwise.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptForPassword } from '../../src/cli/commands/changepassword.js';
import { promptForSuperuser } from '../../src/cli/commands/createsuperuser.js';
import { commands } from '../../src/cli/main.js';
import type { Prompter } from '../../src/cli/prompt.js';
import { authenticate, findUserByUsername } from '../../src/contrib/auth/login.js';
import { enrolDevice } from '../../src/contrib/auth/two-factor/devices.js';
import { codeAt, newSecret } from '../../src/contrib/auth/two-factor/totp.js';
import { insertUser } from '../../src/contrib/auth/users.js';
import { openDatabase } from '../../src/db/client.js';
import { lockDataDir } from '../../src/db/datadir-lock.js';
import * as schema from '../../src/db/schema.js';
import { projectRoot } from '../../src/project-root.js';
import { loadSettings } from '../../src/settings.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import { startSmtpServer } from '../support/smtp-server.js';

const ROOT = projectRoot();
const SECRET_KEY = 'cli-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABC';
const ADMIN_PASSWORD = 'correct-Horse-battery-staple-42';
const NEW_PASSWORD = 'another-Quiet-river-stone-77';
// Generous for a loaded CI machine, yet bounded: a hung child fails its test instead of the run.
const CHILD_TIMEOUT_MS = 25_000;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A child's environment: only what the test sets (a developer's DATABASE_URL must not leak in). */
interface CliEnvironment {
  env: Record<string, string>;
  dataDir: string;
  cleanup(): Promise<void>;
}

async function freshEnvironment(): Promise<CliEnvironment> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keen-cli-'));
  const database: TestDatabase | undefined =
    ENGINE === 'postgres' ? await createTestDatabase({ migrate: false }) : undefined;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dataDir,
    TMPDIR: process.env.TMPDIR ?? tmpdir(),
    KEEN_DATA_DIR: dataDir,
    SECRET_KEY,
    // Set empty rather than left out, so a .env in the working copy cannot fill them in.
    DATABASE_URL: database?.url ?? '',
    DEBUG: '',
    LOG_LEVEL: 'warn',
  };
  return {
    env,
    dataDir,
    async cleanup() {
      await database?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function keen(
  args: string[],
  env: Record<string, string>,
  options: { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env,
      timeout: options.timeoutMs ?? CHILD_TIMEOUT_MS,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** The lines a failing command printed on stderr, without blank ones. */
function errorLines(result: RunResult): string[] {
  return result.stderr.split('\n').filter((line) => line.trim() !== '');
}

// Independent of each other, so they run side by side to keep the file fast.
describe.concurrent('keen without a database', () => {
  let cli: CliEnvironment;
  beforeAll(async () => {
    cli = await freshEnvironment();
  });
  afterAll(() => cli.cleanup());

  it('--help lists every command and exits 0', async ({ expect }) => {
    const result = await keen(['--help'], cli.env);
    expect(result.code).toBe(0);
    for (const name of ['check', 'createsuperuser', 'changepassword', 'shell']) {
      expect(commands.map((command) => command.name)).toContain(name);
    }
    for (const command of commands) expect(result.stdout).toMatch(new RegExp(`^  ${command.name} `, 'm'));
  });

  it('an unknown command exits 2 and names it', async ({ expect }) => {
    const result = await keen(['frobnicate'], cli.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"frobnicate"');
  });

  it('a bad setting stops with one line naming the variable', async ({ expect }) => {
    const result = await keen(['check'], { ...cli.env, WEB_CONCURRENCY: 'abc' });
    expect(result.code).toBe(1);
    const lines = errorLines(result);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('WEB_CONCURRENCY');
  });

  it('sendtestemail sends through EMAIL_HOST, and fails in one line when it cannot', async ({ expect }) => {
    const smtp = await startSmtpServer();
    try {
      const env = {
        ...cli.env,
        EMAIL_HOST: '127.0.0.1',
        EMAIL_PORT: String(smtp.port),
        ADMINS: 'ops@example.com',
      };
      const sent = await keen(['sendtestemail', 'anna@example.com', '--admins'], env);
      expect(sent.stderr).toBe('');
      expect(sent.code).toBe(0);
      expect(sent.stdout).toBe(
        `sent a test email to anna@example.com, ops@example.com through 127.0.0.1:${smtp.port}\n`,
      );
      const [message] = await smtp.waitFor(1);
      expect(message?.subject).toMatch(/^\[Keen\] Test email from /);
      const down = await keen(['sendtestemail', 'anna@example.com'], {
        ...env,
        EMAIL_PORT: '1',
        EMAIL_TIMEOUT: '2',
      });
      expect(down.code).toBe(1);
      expect(errorLines(down)).toEqual([expect.stringContaining('could not send email through 127.0.0.1:1')]);
      const none = await keen(['sendtestemail', 'anna@example.com'], cli.env);
      expect(errorLines(none)).toEqual([expect.stringContaining('no email backend')]);
      const bad = await keen(['sendtestemail', 'not-an-address'], env);
      expect(errorLines(bad)).toEqual([expect.stringContaining('is not an email address')]);
    } finally {
      await smtp.close();
    }
  }, 90_000);

  it('check --deploy is silent on a production-like configuration', async ({ expect }) => {
    const result = await keen(['check', '--deploy', '--fail-level', 'info'], {
      ...cli.env,
      DATABASE_URL: 'postgres://keen:unused@127.0.0.1:5432/keen',
      TRUSTED_PROXIES: '127.0.0.1',
      SECURE_SSL_REDIRECT: 'true',
      SECURE_HSTS_INCLUDE_SUBDOMAINS: 'true',
      SECURE_HSTS_PRELOAD: 'true',
      EMAIL_HOST: 'smtp.example.com',
      DEFAULT_FROM_EMAIL: 'noreply@example.com',
      SERVER_EMAIL: 'errors@example.com',
    });
    expect(result.stdout).toContain('System check identified 0 issue(s).');
    expect(result.code).toBe(0);
  });

  it('check --deploy reports IDs with hints, and --fail-level decides the exit code', async ({ expect }) => {
    const env = { ...cli.env, DEBUG: 'true' };
    const [lenient, strict] = await Promise.all([
      keen(['check', '--deploy'], env),
      keen(['check', '--deploy', '--fail-level', 'warning'], env),
    ]);
    expect(lenient.code).toBe(0);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^security\.W018: .+\n\tHINT: .*DEBUG/m);
    expect(strict.stdout).toMatch(/^keen\.W001: /m);
    expect(strict.stdout).toMatch(/System check identified \d+ issue\(s\)\./);
  });
});

describe(`keen with a database (${ENGINE})`, () => {
  let cli: CliEnvironment;
  beforeAll(async () => {
    cli = await freshEnvironment();
  });
  afterAll(() => cli.cleanup());

  it('migrate --check exits 1 on a fresh database, 0 after migrate', async () => {
    const before = await keen(['migrate', '--check'], cli.env);
    expect(before.stdout).toContain('pending');
    expect(before.code).toBe(1);
    const migrate = await keen(['migrate'], cli.env);
    expect(migrate.code).toBe(0);
    const after = await keen(['migrate', '--check'], cli.env);
    expect(after.stdout).toContain('no migrations pending');
    expect(after.code).toBe(0);
    // Three command runs, each starting the embedded database: slow on a loaded machine, not a timing test.
  }, 90_000);

  it('createsuperuser --noinput creates the admin from KEEN_SUPERUSER_*', async () => {
    const result = await keen(['createsuperuser', '--noinput'], {
      ...cli.env,
      KEEN_SUPERUSER_USERNAME: 'admin',
      KEEN_SUPERUSER_EMAIL: 'admin@example.com',
      KEEN_SUPERUSER_PASSWORD: ADMIN_PASSWORD,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(ADMIN_PASSWORD);
  });

  it('createsuperuser --noinput refuses a weak password, naming the problem', async () => {
    const weak = 'abc123';
    const result = await keen(['createsuperuser', '--noinput', '--username', 'weakling'], {
      ...cli.env,
      KEEN_SUPERUSER_PASSWORD: weak,
    });
    expect(result.code).toBe(1);
    const lines = errorLines(result);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.includes('password'))).toBe(true);
    expect(result.stderr).toContain('too short');
    expect(result.stderr + result.stdout).not.toContain(weak);
  });

  it('changepassword --password-stdin sets the password of an existing user', async () => {
    const result = await keen(['changepassword', 'admin', '--password-stdin'], cli.env, {
      input: `${NEW_PASSWORD}\n`,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(NEW_PASSWORD);
  });

  it('changepassword exits 1 for an unknown user', async () => {
    const result = await keen(['changepassword', 'nobody', '--password-stdin'], cli.env, {
      input: `${NEW_PASSWORD}\n`,
    });
    expect(result.code).toBe(1);
    expect(errorLines(result)).toEqual([expect.stringContaining('"nobody" does not exist')]);
  });

  it('shell evaluates with db and schema loaded, top-level await included', async () => {
    const result = await keen(['shell'], cli.env, {
      input: "'users=' + (await db.$count(schema.users))\n",
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("'users=1'");
  });

  it('the admin is a staff superuser with the changed password', async () => {
    const settings = loadSettings(cli.env);
    const database = await openDatabase(settings.database, { command: 'test' });
    try {
      const admin = await authenticate(database.db, 'admin', NEW_PASSWORD);
      expect(admin).toMatchObject({ isStaff: true, isSuperuser: true, email: 'admin@example.com' });
      expect(await authenticate(database.db, 'admin', ADMIN_PASSWORD)).toBeNull();
    } finally {
      await database.close();
    }
  });

  it('disable2fa removes the device and recovery codes of a user who lost them', async () => {
    const settings = loadSettings(cli.env);
    const database = await openDatabase(settings.database, { command: 'test' });
    try {
      const admin = await findUserByUsername(database.db, 'admin');
      const secret = newSecret();
      expect(await enrolDevice(database.db, admin!.id, secret, codeAt(secret, Date.now()))).toHaveLength(10);
    } finally {
      await database.close();
    }
    const result = await keen(['disable2fa', 'ADMIN'], cli.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('two-factor authentication is off for "admin"; their sessions are ended\n');
    const again = await keen(['disable2fa', 'admin'], cli.env);
    expect(again.stdout).toContain('has no two-factor authentication; nothing changed');
    const unknown = await keen(['disable2fa', 'nobody'], cli.env);
    expect(unknown.code).toBe(1);
    expect(errorLines(unknown)).toEqual([expect.stringContaining('"nobody" does not exist')]);
  });

  it('loaddemo fills the empty site once (posts with an image, comments awaiting moderation, a résumé)', async () => {
    const env = { ...cli.env, MEDIA_ROOT: join(cli.dataDir, 'media') };
    const first = await keen(['loaddemo'], env, { timeoutMs: 60_000 });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      'demo loaded: 4 posts, 2 comments awaiting moderation, 2 positions, 7 skills',
    );
    const again = await keen(['loaddemo'], env, { timeoutMs: 60_000 });
    expect(again.code).toBe(1);
    expect(errorLines(again)[0]).toContain('already has content');
    const database = await openDatabase(loadSettings(env).database, { command: 'test' });
    try {
      const rows = await database.db.select().from(schema.posts);
      expect(rows.map((row) => row.slug)).toContain('kak-ustroen-trekhurovnevyy-sayt');
      expect(rows.every((row) => row.summary !== '' && row.status === 'published')).toBe(true);
      const cover = rows.find((row) => row.cover !== null)?.cover;
      expect(cover && existsSync(join(cli.dataDir, 'media', cover.name))).toBe(true);
      const waiting = await database.db.select().from(schema.comments);
      expect(waiting.map((comment) => comment.isApproved)).toEqual([false, false]);
    } finally {
      await database.close();
    }
  }, 120_000);

  it.runIf(ENGINE === 'pglite')(
    'a second process on a locked embedded database names the holder',
    async () => {
      const release = lockDataDir(cli.dataDir, 'serve');
      try {
        const result = await keen(['migrate', '--check'], cli.env);
        expect(result.code).toBe(1);
        const lines = errorLines(result);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(`pid ${process.pid}`);
        expect(lines[0]).toContain('keen serve');
      } finally {
        release();
      }
    },
  );
});

/** Answers questions from a script and records what the user was told. */
function scriptedPrompter(answers: string[]): Prompter & { told: string[]; asked: string[] } {
  const told: string[] = [];
  const asked: string[] = [];
  const next = async (question: string) => {
    asked.push(question);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`no scripted answer for "${question}"`);
    return answer;
  };
  return { told, asked, ask: next, askHidden: next, warn: (line) => told.push(line), close: () => undefined };
}

describe(`createsuperuser and changepassword prompts (${ENGINE})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await insertUser(database.db, { username: 'taken', password: ADMIN_PASSWORD });
  });
  afterAll(() => database.close());

  it('asks again until each answer is valid', async () => {
    const prompter = scriptedPrompter([
      '',
      'bad name!',
      'Taken',
      'root',
      'not-an-email',
      'root@example.com',
      'first-Mismatch-123',
      'second-Mismatch-123',
      'q7-Zx',
      'q7-Zx',
      ADMIN_PASSWORD,
      ADMIN_PASSWORD,
    ]);
    const user = await promptForSuperuser(database.db, prompter);
    expect(user).toEqual({
      username: 'root',
      email: 'root@example.com',
      password: ADMIN_PASSWORD,
      isStaff: true,
      isSuperuser: true,
    });
    expect(prompter.told).toEqual([
      'Error: This field cannot be blank.',
      expect.stringContaining('Enter a username'),
      'Error: A user with that username already exists.',
      'Error: Enter a valid email address.',
      "Error: Your passwords didn't match.",
      expect.stringContaining('too short'),
    ]);
  });

  it('takes --username and --email as given when they are valid', async () => {
    const prompter = scriptedPrompter([ADMIN_PASSWORD, ADMIN_PASSWORD]);
    const user = await promptForSuperuser(database.db, prompter, { username: 'ops', email: '' });
    expect(user.username).toBe('ops');
    expect(prompter.asked).toEqual(['Password: ', 'Password (again): ']);
  });

  it('changepassword gives up after three failed attempts', async () => {
    const user = await insertUser(database.db, { username: 'carol', password: ADMIN_PASSWORD });
    const prompter = scriptedPrompter(['a-Good-password-1', 'different', 'carol1', 'carol1', '123', '123']);
    await expect(promptForPassword(user, prompter)).rejects.toThrow('after 3 attempts');
    expect(prompter.told[0]).toContain('do not match');
    const ok = scriptedPrompter([NEW_PASSWORD, NEW_PASSWORD]);
    expect(await promptForPassword(user, ok)).toBe(NEW_PASSWORD);
  });
});
