import { serveUntilSignal } from '../../server/serve.js';
import { type Command, parseArgs } from '../command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the web server (production settings)',
  usage: 'keen serve [--bind HOST:PORT]',
  async run(args) {
    const { values } = parseArgs(args, ['bind']);
    const bind = values.get('bind');
    return serveUntilSignal({ command: 'serve', overrides: bind ? { BIND: bind } : {} });
  },
};
