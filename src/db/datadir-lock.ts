/**
 * A lock file that makes one process the owner of the embedded (PGlite) database folder.
 * Two processes opening the same PGlite folder corrupt it, so a second one stops with a message that
 * names the owner instead.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseLockedError } from '../errors.js';

interface LockOwner {
  pid: number;
  command: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

// One exit listener releases every lock this process still holds (a listener per lock would pile up
// in processes that open many embedded databases, like the test runner).
const heldLocks = new Set<() => void>();
let exitListener = false;

function releaseAllOnExit(): void {
  if (exitListener) return;
  exitListener = true;
  process.once('exit', () => {
    for (const release of heldLocks) release();
  });
}

/**
 * Takes the lock on `dataDir` for this process, or throws {@link DatabaseLockedError} naming the
 * process that holds it. A lock left by a dead process is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string, command: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'keen.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      const owner: LockOwner = { pid: process.pid, command, since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (readOwner(file)?.pid === process.pid) rmSync(file, { force: true });
      };
      releaseAllOnExit();
      heldLocks.add(release);
      return () => {
        heldLocks.delete(release);
        release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
        throw new DatabaseLockedError(
          `the embedded database in ${dataDir} is in use by "keen ${owner.command}" (pid ${owner.pid}, since ${owner.since}). ` +
            'Stop that process first, or set DATABASE_URL to use PostgreSQL, which many processes can share.',
        );
      }
      // The owner is gone (crash, kill -9): the lock is stale.
      rmSync(file, { force: true });
    }
  }
  throw new DatabaseLockedError(`could not take the lock on ${file}`);
}
