import { clearExpiredSessions } from '../../contrib/sessions/store.js';
import { openRuntime } from '../bootstrap.js';
import type { Command } from '../command.js';

export const clearsessionsCommand: Command = {
  usage: 'keen clearsessions',
  async run() {
    const { database } = await openRuntime('clearsessions');
    try {
      const count = await clearExpiredSessions(database.db);
      process.stdout.write(`deleted ${count} expired session(s)\n`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
