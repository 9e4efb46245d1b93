/**
 * `keen createsuperuser`: creates a staff superuser, asking for each field on the terminal (the
 * password twice, not echoed) or, with `--noinput`, reading KEEN_SUPERUSER_* from the environment for
 * scripts and containers. The same rules as the setup page apply (validateNewUser).
 */
import type { NewUser } from '../../contrib/auth/users.js';
import { insertUser, validateNewUser } from '../../contrib/auth/users.js';
import type { Db } from '../../db/client.js';
import { CommandError } from '../../errors.js';
import { readEnvironment } from '../../settings.js';
import { openMigratedRuntime } from '../bootstrap.js';
import { type Command, parseArgs } from '../command.js';
import { type Prompter, terminalPrompter } from '../prompt.js';

/** The problems validateNewUser finds with one field of `input`. */
async function fieldProblems(db: Db, input: NewUser, field: keyof NewUser): Promise<string[]> {
  return (await validateNewUser(db, input))[field] ?? [];
}

/**
 * Asks for whatever `given` lacks until every answer passes validation, like Django's interactive
 * createsuperuser. A `given` username that fails is reported and asked for again.
 */
export async function promptForSuperuser(
  db: Db,
  prompter: Prompter,
  given: { username?: string | undefined; email?: string | undefined } = {},
): Promise<NewUser> {
  let username = given.username;
  while (true) {
    if (username === undefined) username = (await prompter.ask('Username: ')).trim();
    const problems =
      username === ''
        ? ['This field cannot be blank.']
        : await fieldProblems(db, { username, password: '' }, 'username');
    if (!problems.length) break;
    for (const problem of problems) prompter.warn(`Error: ${problem}`);
    username = undefined;
  }

  let email = given.email;
  while (true) {
    // Blank is allowed: the email address is optional.
    if (email === undefined) email = (await prompter.ask('Email address: ')).trim();
    const problems = await fieldProblems(db, { username, email, password: '' }, 'email');
    if (!problems.length) break;
    for (const problem of problems) prompter.warn(`Error: ${problem}`);
    email = undefined;
  }

  while (true) {
    const password = await prompter.askHidden('Password: ');
    const again = await prompter.askHidden('Password (again): ');
    if (password !== again) {
      prompter.warn("Error: Your passwords didn't match.");
      continue;
    }
    if (password === '') {
      prompter.warn("Error: Blank passwords aren't allowed.");
      continue;
    }
    const problems = await fieldProblems(db, { username, email, password }, 'password');
    if (!problems.length) return { username, email, password, isStaff: true, isSuperuser: true };
    for (const problem of problems) prompter.warn(`Error: ${problem}`);
  }
}

// Where each field came from in --noinput mode, so an error line says what to change.
const NOINPUT_SOURCES: Record<string, string> = {
  username: '--username or KEEN_SUPERUSER_USERNAME',
  email: '--email or KEEN_SUPERUSER_EMAIL',
  password: 'KEEN_SUPERUSER_PASSWORD',
};

const KNOWN_FLAGS = new Set(['noinput', 'no-input']);

/** `keen createsuperuser`. */
export const createsuperuserCommand: Command = {
  usage:
    'keen createsuperuser [--username NAME] [--email EMAIL] [--noinput]\n' +
    '  --noinput  take the username, email and password from KEEN_SUPERUSER_USERNAME, ' +
    'KEEN_SUPERUSER_EMAIL and KEEN_SUPERUSER_PASSWORD (the options win over the variables)',
  async run(args) {
    const { flags, values, positional } = parseArgs(args, ['username', 'email']);
    const unknown = [...flags].filter((flag) => !KNOWN_FLAGS.has(flag));
    if (unknown.length || positional.length) {
      throw new CommandError(`unexpected argument ${unknown.length ? `--${unknown[0]}` : positional[0]}`);
    }
    const noInput = flags.has('noinput') || flags.has('no-input');
    const env = readEnvironment();
    const username = values.get('username') ?? (noInput ? env.KEEN_SUPERUSER_USERNAME : undefined);
    const email = values.get('email') ?? (noInput ? env.KEEN_SUPERUSER_EMAIL : undefined);

    // Everything that needs no database is checked before opening it.
    if (noInput) {
      const missing: string[] = [];
      if (!username?.trim()) missing.push(`username: not given (set ${NOINPUT_SOURCES.username})`);
      if (!env.KEEN_SUPERUSER_PASSWORD) missing.push(`password: not given (set ${NOINPUT_SOURCES.password})`);
      if (missing.length) {
        for (const line of missing) process.stderr.write(`keen createsuperuser: ${line}\n`);
        return 1;
      }
    } else if (!process.stdin.isTTY) {
      throw new CommandError(
        'stdin is not a terminal: use --noinput with KEEN_SUPERUSER_USERNAME, KEEN_SUPERUSER_EMAIL and KEEN_SUPERUSER_PASSWORD',
      );
    }

    const { database } = await openMigratedRuntime('createsuperuser');
    try {
      let input: NewUser;
      if (noInput) {
        input = {
          username: (username as string).trim(),
          email: email?.trim() ?? '',
          password: env.KEEN_SUPERUSER_PASSWORD as string,
          isStaff: true,
          isSuperuser: true,
        };
        const errors = await validateNewUser(database.db, input);
        const lines = Object.entries(errors).flatMap(([field, problems]) =>
          problems.map((problem) => `${field} (${NOINPUT_SOURCES[field] ?? field}): ${problem}`),
        );
        if (lines.length) {
          for (const line of lines) process.stderr.write(`keen createsuperuser: ${line}\n`);
          return 1;
        }
      } else {
        const prompter = terminalPrompter();
        try {
          input = await promptForSuperuser(database.db, prompter, { username, email });
        } finally {
          prompter.close();
        }
      }
      const user = await insertUser(database.db, input);
      process.stdout.write(`Superuser "${user.username}" created.\n`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
