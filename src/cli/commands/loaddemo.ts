/** `keen loaddemo`: fills an empty site with demo content (src/demo/), so a newcomer sees a real site. */
import { createMedia } from '../../contrib/media/media.js';
import { loadDemo } from '../../demo/load.js';
import { CommandError } from '../../errors.js';
import { openMigratedRuntime } from '../bootstrap.js';
import { type Command, parseArgs } from '../command.js';

export const loaddemoCommand: Command = {
  usage:
    'keen loaddemo\n' +
    '  Writes a small demo site (settings, posts in Russian and English, comments awaiting moderation,\n' +
    '  a résumé). Refuses a database that already has content.',
  async run(args) {
    const { flags, positional, values } = parseArgs(args, []);
    if (flags.size > 0 || positional.length > 0 || values.size > 0) {
      throw new CommandError('keen loaddemo takes no arguments');
    }
    const { settings, logger, database } = await openMigratedRuntime('loaddemo');
    try {
      const summary = await loadDemo(database.db, createMedia(settings, logger));
      process.stdout.write(
        `demo loaded: ${summary.posts} posts, ${summary.comments} comments awaiting moderation, ` +
          `${summary.positions} positions, ${summary.skills} skills\n`,
      );
      return 0;
    } finally {
      await database.close();
    }
  },
};
