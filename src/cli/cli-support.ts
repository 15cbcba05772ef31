import { Command, CommanderError, InvalidArgumentError } from 'commander';

/** Bad usage: one clear line on stderr, exit code 2. */
export function exitWithUsageError(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

/** A commander parser for an integer within bounds. */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got ${n}`);
    return n;
  };
}

/** A commander parser for a repeatable option whose values come from a fixed list. */
export function repeatableChoice(allowed: readonly string[]): (value: string, previous: string[]) => string[] {
  return (value: string, previous: string[]) => {
    if (!allowed.includes(value)) throw new InvalidArgumentError(`unknown value "${value}" (one of: ${allowed.join(', ')})`);
    return [...previous, value];
  };
}

/**
 * Parse argv; usage errors end the process with one line and exit 2, --help
 * with exit 0, instead of commander's own exit codes.
 */
export function runCli(cmd: Command, argv: string[]): Command {
  cmd.exitOverride();
  cmd.configureOutput({ writeErr: (text) => process.stderr.write(text.split('\n')[0] + '\n') });
  try {
    return cmd.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exit(error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2);
    }
    throw error;
  }
}
