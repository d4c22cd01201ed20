/**
 * How owctl ends on an error: configuration and usage mistakes print their message and exit 1;
 * anything unexpected says it is a bug and how to get the stack trace.
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../../engine/inventory/errors.ts';
import { PlaybookError } from '../../engine/runner/errors.ts';
import { EXIT_USAGE } from '../../engine/runner/recap.ts';

/** The command line itself is wrong (a bad flag value, an unknown playbook). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Errors whose message already says what went wrong, where, and what to do. */
function isUserError(err: unknown): err is Error {
  return err instanceof ConfigError || err instanceof PlaybookError || err instanceof UsageError;
}

/** Prints the error (commander has printed its own already) and returns the exit code. */
export function reportError(
  err: unknown,
  write: (text: string) => void = (t) => process.stderr.write(t),
): number {
  if (err instanceof CommanderError) {
    // --help and --version end through here too, with exit code 0.
    return err.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (isUserError(err)) {
    write(`owctl: ${err.message}\n`);
    return EXIT_USAGE;
  }
  const message = err instanceof Error ? err.message : String(err);
  write(`owctl: unexpected error: ${message}\n`);
  if (process.env.OWCTL_DEBUG && err instanceof Error && err.stack) write(`${err.stack}\n`);
  else write('This is a bug in owctl: rerun with OWCTL_DEBUG=1 for the stack trace and report it.\n');
  return EXIT_USAGE;
}
