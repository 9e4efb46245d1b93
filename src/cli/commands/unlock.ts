/**
 * `keen unlock USERNAME`: clears the login throttling counters of an account (from every client), for
 * an owner who locked their own address out; `--client IP` clears an address's counters instead or as
 * well. The user admin's "Unlock login" action does the same.
 */
import { isIP } from 'node:net';
import { findUserByUsername } from '../../contrib/auth/login.js';
import { CommandError } from '../../errors.js';
import { openMigratedRuntime, withStores } from '../bootstrap.js';
import { type Command, parseArgs } from '../command.js';

export const unlockCommand: Command = {
  usage:
    'keen unlock USERNAME [--client IP]\n' +
    'keen unlock --client IP\n' +
    '  Lets the account, or the address, try passwords again at once.',
  async run(args) {
    const { flags, positional, values } = parseArgs(args, ['client']);
    if (flags.size > 0) throw new CommandError(`unexpected argument --${[...flags][0]}`);
    const [username, ...extra] = positional;
    const client = values.get('client');
    if (extra.length > 0) throw new CommandError(`unexpected argument ${extra[0]}`);
    if (username === undefined && client === undefined)
      throw new CommandError('needs a USERNAME or --client IP: keen unlock USERNAME [--client IP]');
    if (client !== undefined && isIP(client) === 0)
      throw new CommandError(`--client: "${client}" is not an IP address`);
    const runtime = await openMigratedRuntime('unlock');
    const { database } = runtime;
    try {
      if (username !== undefined && !(await findUserByUsername(database.db, username))) {
        throw new CommandError(`user "${username.slice(0, 150)}" does not exist`);
      }
      const target = {
        ...(username !== undefined ? { account: username } : {}),
        ...(client !== undefined ? { client } : {}),
      };
      const cleared = await withStores(runtime, (stores) => stores.throttle.unlock(target));
      const what = [username && `account "${username}"`, client && `client ${client}`]
        .filter(Boolean)
        .join(' and ');
      process.stdout.write(`unlocked ${what} (${cleared} counter(s) cleared)\n`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
