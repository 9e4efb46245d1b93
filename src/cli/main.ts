/**
 * The `keen` command (Django's manage.py). Each command is one file in ./commands; this table is
 * the list. Failures print one line and exit non-zero.
 */
import { KeenError } from '../errors.js';
import type { Command } from './command.js';
import { backupCommand } from './commands/backup.js';
import { changepasswordCommand } from './commands/changepassword.js';
import { checkCommand } from './commands/check.js';
import { clearsessionsCommand } from './commands/clearsessions.js';
import { collectstaticCommand } from './commands/collectstatic.js';
import { createsuperuserCommand } from './commands/createsuperuser.js';
import { devCommand } from './commands/dev.js';
import { disable2faCommand } from './commands/disable2fa.js';
import { jobsCommand } from './commands/jobs.js';
import { loaddemoCommand } from './commands/loaddemo.js';
import { makemigrationsCommand } from './commands/makemigrations.js';
import { migrateCommand } from './commands/migrate.js';
import { nginxCommand } from './commands/nginx.js';
import { restoreCommand } from './commands/restore.js';
import { sendtestemailCommand } from './commands/sendtestemail.js';
import { serveCommand } from './commands/serve.js';
import { shellCommand } from './commands/shell.js';
import { unlockCommand } from './commands/unlock.js';
import { waitForDbCommand } from './commands/wait-for-db.js';
import { workerCommand } from './commands/worker.js';

/** Every command, in the order `keen --help` lists them: running (and deploying), database, users, maintenance. */
export const commands: readonly Command[] = [
  // Running the site
  serveCommand,
  devCommand,
  checkCommand,
  collectstaticCommand,
  // Deploying
  nginxCommand,
  waitForDbCommand,
  // The database
  migrateCommand,
  makemigrationsCommand,
  shellCommand,
  backupCommand,
  restoreCommand,
  // Users
  createsuperuserCommand,
  changepasswordCommand,
  unlockCommand,
  disable2faCommand,
  sendtestemailCommand,
  loaddemoCommand,
  // Maintenance (cron)
  clearsessionsCommand,
  workerCommand,
  jobsCommand,
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
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`keen: unknown command "${name}"; run keen --help for the list\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: ${command.usage}\n${command.summary}\n`);
    return 0;
  }
  try {
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
