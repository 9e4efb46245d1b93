/**
 * The `keen` command (Django's manage.py). Each command is one file in ./commands; this table is
 * the list. Failures print one line and exit non-zero.
 */
import { KeenError } from '../errors.js';
import type { CommandEntry } from './command.js';

/**
 * Every command, in the order `keen --help` lists them: running (and deploying), database, users,
 * maintenance. A command's file is loaded only when it runs: `keen serve`'s supervisor, say, never
 * loads the admin, the PDF writer or the image library (the production build splits them off).
 */
export const commands: readonly CommandEntry[] = [
  // Running the site
  {
    name: 'serve',
    summary: 'run the production server: a supervisor and WEB_CONCURRENCY workers (SIGHUP reloads)',
    load: async () => (await import('./commands/serve.js')).serveCommand,
  },
  {
    name: 'dev',
    summary: 'run the development server: DEBUG on, pretty logs, restart on change',
    load: async () => (await import('./commands/dev.js')).devCommand,
  },
  {
    name: 'check',
    summary: 'check settings for problems (--deploy: production checks, like Django check --deploy)',
    load: async () => (await import('./commands/check.js')).checkCommand,
  },
  {
    name: 'collectstatic',
    summary: 'collect static files into STATIC_ROOT: hashed names, .br/.gz variants, a manifest',
    load: async () => (await import('./commands/collectstatic.js')).collectstaticCommand,
  },
  // Deploying
  {
    name: 'nginx',
    summary: 'render the nginx site configuration (TLS, proxy headers, static and media from disk)',
    load: async () => (await import('./commands/nginx.js')).nginxCommand,
  },
  {
    name: 'wait-for-db',
    summary: 'wait until the database answers (at most DB_WAIT_TIMEOUT seconds, default 30), else exit 1',
    load: async () => (await import('./commands/wait-for-db.js')).waitForDbCommand,
  },
  // The database
  {
    name: 'migrate',
    summary: 'apply pending database migrations (--check: exit 1 if any are pending)',
    load: async () => (await import('./commands/migrate.js')).migrateCommand,
  },
  {
    name: 'makemigrations',
    summary: 'write a SQL migration for schema changes (drizzle-kit); --check fails if one is needed',
    load: async () => (await import('./commands/makemigrations.js')).makemigrationsCommand,
  },
  {
    name: 'shell',
    summary: 'open a REPL with db, schema, settings and sql loaded (top-level await works)',
    load: async () => (await import('./commands/shell.js')).shellCommand,
  },
  {
    name: 'backup',
    summary: 'write a backup archive (database dump, media files, manifest with checksums); --keep N prunes',
    load: async () => (await import('./commands/backup.js')).backupCommand,
  },
  {
    name: 'restore',
    summary: 'restore a backup archive (checksums verified; a non-empty database needs --force)',
    load: async () => (await import('./commands/restore.js')).restoreCommand,
  },
  {
    name: 'import-django',
    summary: "move a Django site's accounts and blog in (--from postgres://…); --dry-run rehearses it",
    load: async () => (await import('./commands/import-django.js')).importDjangoCommand,
  },
  // Users
  {
    name: 'createsuperuser',
    summary: 'create an admin (staff superuser) account; --noinput reads KEEN_SUPERUSER_* variables',
    load: async () => (await import('./commands/createsuperuser.js')).createsuperuserCommand,
  },
  {
    name: 'changepassword',
    summary: "set a user's password (ends their sessions); --password-stdin for scripts",
    load: async () => (await import('./commands/changepassword.js')).changepasswordCommand,
  },
  {
    name: 'unlock',
    summary: "clear an account's (or an address's) failed-login counters",
    load: async () => (await import('./commands/unlock.js')).unlockCommand,
  },
  {
    name: 'disable2fa',
    summary: "turn off a user's two-factor authentication (lost phone and recovery codes)",
    load: async () => (await import('./commands/disable2fa.js')).disable2faCommand,
  },
  {
    name: 'sendtestemail',
    summary: 'send a test email to the given addresses (and/or ADMINS) with the EMAIL_* settings',
    load: async () => (await import('./commands/sendtestemail.js')).sendtestemailCommand,
  },
  {
    name: 'loaddemo',
    summary: 'fill an empty site with demo posts, comments and a résumé',
    load: async () => (await import('./commands/loaddemo.js')).loaddemoCommand,
  },
  // Maintenance (cron)
  {
    name: 'clearsessions',
    summary: 'delete expired sessions (run it from cron)',
    load: async () => (await import('./commands/clearsessions.js')).clearsessionsCommand,
  },
  {
    name: 'worker',
    summary: 'run the background jobs (PostgreSQL; keen serve runs them itself on the embedded database)',
    load: async () => (await import('./commands/worker.js')).workerCommand,
  },
  {
    name: 'jobs',
    summary: 'list the background job queues and failures; retry or cancel a job',
    load: async () => (await import('./commands/jobs.js')).jobsCommand,
  },
];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: keen <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nkeen <command> --help shows a command's options.\n`;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 1;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`keen: unknown command "${name}"; run keen --help for the list\n`);
    return 2;
  }
  try {
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`Usage: ${command.usage}\n${entry.summary}\n`);
      return 0;
    }
    return await command.run(rest);
  } catch (error) {
    // One clear line; the stack only when asked for.
    const message = error instanceof KeenError || error instanceof TypeError ? error.message : String(error);
    process.stderr.write(`keen ${name}: ${message}\n`);
    if (process.env.KEEN_TRACEBACK) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] && /[\\/](main\.(ts|js)|keen(\.js)?)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`keen: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
