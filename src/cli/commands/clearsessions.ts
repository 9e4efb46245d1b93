import { openRuntime, withStores } from '../bootstrap.js';
import type { Command } from '../command.js';

export const clearsessionsCommand: Command = {
  usage: 'keen clearsessions',
  async run() {
    const runtime = await openRuntime('clearsessions');
    const { database } = runtime;
    try {
      const count = await withStores(runtime, (stores) => stores.sessions.clearExpired());
      process.stdout.write(`deleted ${count} expired session(s)\n`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
