/** `keen wait-for-db`: the entrypoint's bounded wait for PostgreSQL (DB_WAIT_TIMEOUT, default 30 s). */
import { waitForDatabase } from '../../deploy/wait-for-db.js';
import { CommandError } from '../../errors.js';
import { loadRuntimeSettings } from '../../settings/runtime.js';
import { directDatabase, readEnvironment } from '../../settings.js';
import { type Command, parseArgs } from '../command.js';

export const waitForDbCommand: Command = {
  usage: 'keen wait-for-db [--timeout SECONDS]',
  async run(args) {
    const { values } = parseArgs(args, ['timeout']);
    const raw = values.get('timeout') ?? readEnvironment().DB_WAIT_TIMEOUT ?? '30';
    if (!/^\d+$/.test(raw) || Number(raw) < 1)
      throw new CommandError(`DB_WAIT_TIMEOUT must be a whole number of seconds ≥ 1 (got "${raw}")`);
    const { settings } = loadRuntimeSettings();
    if (settings.database.kind === 'pglite') {
      process.stdout.write('embedded database: nothing to wait for\n');
      return 0;
    }
    // Behind a pooler, `keen migrate` (the entrypoint's next step) goes to DATABASE_DIRECT_URL: wait for both.
    const targets = [
      settings.database,
      ...(settings.database.direct ? [directDatabase(settings.database)] : []),
    ];
    const deadline = Date.now() + Number(raw) * 1000;
    for (const target of targets) {
      const seconds = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
      const result = await waitForDatabase(target, seconds);
      if (!result.ok) {
        process.stderr.write(
          `keen wait-for-db: database ${result.target} not reachable after ${raw} s (last error: ${result.lastError ?? 'none'})\n`,
        );
        return 1;
      }
      process.stdout.write(
        `database ${result.target} is up (after ${(result.waitedMs / 1000).toFixed(1)} s)\n`,
      );
    }
    return 0;
  },
};
