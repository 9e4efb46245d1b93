/**
 * Starts ./serve-for-test.ts as a real child process (its own memory, its own pool) and waits for the
 * port it prints, so a test can prove that state is shared through the database and not through memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';

export interface ServerProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Everything the process wrote to stderr (its log), for diagnostics. */
  stderr(): string;
  stop(): Promise<void>;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Spawns the server on `databaseUrl`; rejects if it has not printed its port within `timeoutMs`. */
export async function startServerProcess(databaseUrl: string, timeoutMs = 20_000): Promise<ServerProcess> {
  const root = projectRoot();
  const child = spawn(
    join(root, 'node_modules', '.bin', 'tsx'),
    [join(root, 'test', 'support', 'serve-for-test.ts')],
    {
      cwd: root,
      env: { ...process.env, KEEN_SERVE_DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await waitForExit(child);
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(
        () => reject(new Error(`server process did not start:\n${stderr}`)),
        timeoutMs,
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
        if (!line) return;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server process exited with ${code} before listening:\n${stderr}`));
      });
    });
    return { url: `http://127.0.0.1:${port}`, stderr: () => stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
