/**
 * `keen changepassword USERNAME`: sets a user's password from the terminal (asked twice, not echoed) or
 * from one line of stdin (`--password-stdin`, for scripts). The password rules apply, and the user's
 * sessions end, as when the password is changed on the site.
 */
import { createInterface } from 'node:readline';
import { findUserByUsername, setPassword } from '../../contrib/auth/login.js';
import { validatePassword } from '../../contrib/auth/passwords/validators.js';
import type { UserRow } from '../../contrib/auth/schema.js';
import { CommandError } from '../../errors.js';
import { openMigratedRuntime, withStores } from '../bootstrap.js';
import { type Command, parseArgs } from '../command.js';
import { type Prompter, terminalPrompter } from '../prompt.js';

// Django gives up after three tries too: a typo loop on a terminal should end somewhere.
const MAX_ATTEMPTS = 3;
const KNOWN_FLAGS = new Set(['password-stdin']);

/** The first line of stdin (without its line ending), or null when stdin is empty. */
async function readStdinLine(): Promise<string | null> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) return line;
    return null;
  } finally {
    rl.close();
  }
}

function problemsFor(user: UserRow, password: string): string[] {
  return validatePassword(password, {
    username: user.username,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
  });
}

/** Asks for the new password until it is typed twice the same and passes the rules, or tries run out. */
export async function promptForPassword(user: UserRow, prompter: Prompter): Promise<string> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const password = await prompter.askHidden('Password: ');
    const again = await prompter.askHidden('Password (again): ');
    if (password !== again) {
      prompter.warn('Passwords do not match. Please try again.');
      continue;
    }
    const problems = problemsFor(user, password);
    if (!problems.length) return password;
    for (const problem of problems) prompter.warn(problem);
  }
  throw new CommandError(`password of "${user.username}" not changed after ${MAX_ATTEMPTS} attempts`);
}

/** `keen changepassword`. */
export const changepasswordCommand: Command = {
  usage:
    'keen changepassword USERNAME [--password-stdin]\n' +
    '  --password-stdin  read the new password from the first line of stdin instead of asking',
  async run(args) {
    const { flags, positional } = parseArgs(args);
    const unknown = [...flags].filter((flag) => !KNOWN_FLAGS.has(flag));
    if (unknown.length) throw new CommandError(`unexpected argument --${unknown[0]}`);
    const [username, ...extra] = positional;
    if (!username) throw new CommandError('needs a USERNAME: keen changepassword USERNAME');
    if (extra.length) throw new CommandError(`unexpected argument ${extra[0]}`);
    const fromStdin = flags.has('password-stdin');
    if (!fromStdin && !process.stdin.isTTY) {
      throw new CommandError('stdin is not a terminal: use --password-stdin to pass the password on stdin');
    }

    const runtime = await openMigratedRuntime('changepassword');
    const { database, settings } = runtime;
    try {
      const user = await findUserByUsername(database.db, username);
      if (!user) throw new CommandError(`user "${username}" does not exist`);

      let password: string;
      if (fromStdin) {
        const line = await readStdinLine();
        if (!line) throw new CommandError('no password on stdin (expected one line)');
        password = line;
        const problems = problemsFor(user, password);
        if (problems.length) {
          for (const problem of problems) process.stderr.write(`keen changepassword: password: ${problem}\n`);
          return 1;
        }
      } else {
        process.stdout.write(`Changing password for user "${user.username}"\n`);
        const prompter = terminalPrompter();
        try {
          password = await promptForPassword(user, prompter);
        } finally {
          prompter.close();
        }
      }
      await withStores(runtime, (stores) =>
        setPassword(database.db, stores.sessions, settings.secretKey.reveal(), user.id, password),
      );
      process.stdout.write(`Password changed for user "${user.username}".\n`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
