/**
 * `keen disable2fa USERNAME`: removes a user's authenticator device and recovery codes, for someone who
 * lost both (Django's `two_factor_disable`). They log in with the password alone and, if staff under
 * ADMIN_REQUIRE_2FA, set up a new device before the admin opens. Their sessions are ended.
 */
import { findUserByUsername } from '../../contrib/auth/login.js';
import { disableTwoFactor } from '../../contrib/auth/two-factor/devices.js';
import { CommandError } from '../../errors.js';
import { openMigratedRuntime, withStores } from '../bootstrap.js';
import { type Command, parseArgs } from '../command.js';

export const disable2faCommand: Command = {
  usage: 'keen disable2fa USERNAME\n  Removes the device and recovery codes, and ends the user’s sessions.',
  async run(args) {
    const { flags, positional } = parseArgs(args);
    if (flags.size > 0) throw new CommandError(`unexpected argument --${[...flags][0]}`);
    const [username, ...extra] = positional;
    if (username === undefined) throw new CommandError('needs a USERNAME: keen disable2fa USERNAME');
    if (extra.length > 0) throw new CommandError(`unexpected argument ${extra[0]?.slice(0, 60)}`);
    const runtime = await openMigratedRuntime('disable2fa');
    const { database } = runtime;
    try {
      const user = await findUserByUsername(database.db, username);
      if (!user) throw new CommandError(`user "${username.slice(0, 150)}" does not exist`);
      if (!(await disableTwoFactor(database.db, user.id))) {
        process.stdout.write(`user "${user.username}" has no two-factor authentication; nothing changed\n`);
        return 0;
      }
      await withStores(runtime, (stores) => stores.sessions.deleteForUser(user.id, null));
      process.stdout.write(
        `two-factor authentication is off for "${user.username}"; their sessions are ended\n`,
      );
      return 0;
    } finally {
      await database.close();
    }
  },
};
