import { clearExpiredSessions } from '../../contrib/sessions/store.js';
import { openRuntime } from '../bootstrap.js';
import type { Command } from '../command.js';

export const clearsessionsCommand: Command = {
  name: 'clearsessions',
  summary: 'delete expired sessions (run it from cron)',
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
