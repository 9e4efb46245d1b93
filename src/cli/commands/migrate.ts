import { pendingMigrations, readMigrations } from '../../db/migrate.js';
import { describeUnsafe, unsafeOperations } from '../../db/migration-safety.js';
import { migrateInstalledApps, openRuntime } from '../bootstrap.js';
import { type Command, parseArgs } from '../command.js';

export const migrateCommand: Command = {
  usage: 'keen migrate [--check]',
  async run(args) {
    const { flags } = parseArgs(args);
    const { database } = await openRuntime('migrate');
    try {
      if (flags.has('check')) {
        const files = readMigrations();
        const pending = await pendingMigrations(database, files);
        for (const name of pending) process.stdout.write(`pending: ${name}\n`);
        const unsafe = files.filter((file) => pending.includes(file.name)).flatMap(unsafeOperations);
        process.stdout.write(describeUnsafe(unsafe));
        process.stdout.write(
          pending.length ? `${pending.length} migration(s) pending\n` : 'no migrations pending\n',
        );
        return pending.length ? 1 : 0;
      }
      const result = await migrateInstalledApps(database);
      for (const name of result.applied) process.stdout.write(`applied: ${name}\n`);
      for (const name of result.changed) {
        process.stderr.write(`warning: ${name} was changed after it was applied; the change was not run\n`);
      }
      if (!result.applied.length) process.stdout.write('no migrations to apply\n');
      return 0;
    } finally {
      await database.close();
    }
  },
};
