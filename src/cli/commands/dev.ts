/**
 * `keen dev`: one process with DEBUG on (unless DEBUG is set), pretty logs, restarted on every source
 * change (tsx watch). Development only: it needs the dev dependencies.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../project-root.js';
import { serveUntilSignal } from '../../server/serve.js';
import { readEnvironment } from '../../settings.js';
import type { Command } from '../command.js';

export const devCommand: Command = {
  usage: 'keen dev',
  async run() {
    // DEBUG and pretty logs unless the environment or .env says otherwise.
    const env = readEnvironment();
    const overrides = { DEBUG: env.DEBUG ?? 'true', LOG_PRETTY: env.LOG_PRETTY ?? 'true' };
    if (env.KEEN_DEV_CHILD) return serveUntilSignal({ command: 'dev', overrides });
    const root = projectRoot();
    const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const child = spawn(
      process.execPath,
      [tsx, 'watch', '--clear-screen=false', join(root, 'src', 'cli', 'main.ts'), 'dev'],
      {
        stdio: 'inherit',
        env: { ...process.env, KEEN_DEV_CHILD: '1' },
      },
    );
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
  },
};
