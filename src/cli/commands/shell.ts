/**
 * `keen shell` (Django's `manage.py shell`): a Node REPL with the database and settings loaded, for
 * one-off queries and repairs. Top-level `await` works, so `await db.select().from(schema.users)` runs
 * as typed.
 */
import repl from 'node:repl';
import { sql } from 'drizzle-orm';
import * as schema from '../../db/schema.js';
import { openRuntime } from '../bootstrap.js';
import type { Command } from '../command.js';

/** `keen shell`. */
export const shellCommand: Command = {
  usage: 'keen shell',
  async run() {
    const { settings, database } = await openRuntime('shell');
    try {
      if (process.stdin.isTTY) {
        process.stdout.write(
          `keen shell (${database.kind}): db, schema, settings and sql are loaded; await works. Ctrl-D exits.\n` +
            'Example: await db.select().from(schema.users)\n',
        );
      }
      const server = repl.start({ prompt: 'keen> ', useGlobal: false });
      Object.assign(server.context, { db: database.db, schema, settings, sql });
      await new Promise<void>((resolve) => server.on('exit', resolve));
      return 0;
    } finally {
      await database.close();
    }
  },
};
