/** Asking questions on the terminal, for the interactive commands (createsuperuser, changepassword). */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CommandError } from '../errors.js';

/** Questions asked on a terminal; a seam so the question-and-answer loop can be tested without one. */
export interface Prompter {
  /** Asks and returns the answer as typed. */
  ask(question: string): Promise<string>;
  /** Asks without echoing the answer (passwords). */
  askHidden(question: string): Promise<string>;
  /** Tells the user about a problem with their answer. */
  warn(line: string): void;
  close(): void;
}

/**
 * A {@link Prompter} on stdin/stdout. Hidden answers go through readline with its echo written to a
 * sink that drops it, so nothing typed reaches the screen (or a terminal recording). Ctrl-C and Ctrl-D
 * reject the pending question with "cancelled".
 */
export function terminalPrompter(): Prompter {
  let muted = false;
  const echo = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output: echo, terminal: true });
  let rejectPending: ((error: Error) => void) | undefined;
  let closed = false;
  rl.on('SIGINT', () => rl.close());
  rl.on('close', () => {
    closed = true;
    muted = false;
    // Ctrl-C/Ctrl-D mid-question: end the prompt's line so the "cancelled" message starts its own.
    if (rejectPending) process.stdout.write('\n');
    rejectPending?.(new CommandError('cancelled'));
  });

  const question = (text: string, hidden: boolean) =>
    new Promise<string>((resolve, reject) => {
      if (closed) {
        reject(new CommandError('cancelled'));
        return;
      }
      rejectPending = reject;
      if (hidden) {
        // The prompt is written directly, so muting readline's output hides only what is typed.
        process.stdout.write(text);
        muted = true;
      }
      rl.question(hidden ? '' : text, (answer) => {
        rejectPending = undefined;
        if (hidden) {
          muted = false;
          // The Enter key's newline went to the muted sink.
          process.stdout.write('\n');
        }
        resolve(answer);
      });
    });

  return {
    ask: (text) => question(text, false),
    askHidden: (text) => question(text, true),
    warn: (line) => process.stderr.write(`${line}\n`),
    close: () => rl.close(),
  };
}
