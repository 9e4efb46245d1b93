/** The shape of a `keen` command: one file per command in ./commands. */
import { CommandError } from '../errors.js';
export interface Command {
  /** Usage line(s) for `keen <name> --help`. */
  usage: string;
  /** Runs the command; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** A line of the command table in ./main.ts: what `keen --help` shows, and where the command is. */
export interface CommandEntry {
  name: string;
  /** One line for `keen --help`. */
  summary: string;
  load(): Promise<Command>;
}

/** Splits `--flag`, `--key=value`/`--key value` options from positional arguments. */
export function parseArgs(
  args: string[],
  valueOptions: readonly string[] = [],
): { flags: Set<string>; values: Map<string, string>; positional: string[] } {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (valueOptions.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new CommandError(`--${name} needs a value`);
      values.set(name, value);
    } else {
      flags.add(name);
    }
  }
  return { flags, values, positional };
}
