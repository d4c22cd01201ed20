/** CLI failures and the exit codes upstream's `wsk` uses for them. */

export const EXIT = {
  general: 1,
  usage: 2,
  network: 3,
  notAllowed: 149,
  timedOut: 202,
} as const;

export class WskError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.general,
    /** Print "Run 'wsk --help' for usage." after the message. */
    readonly showUsage = false,
    /** The output was already written (e.g. an application error's activation); print nothing more. */
    readonly silent = false,
  ) {
    super(message);
  }
}

/** Prefixes a lower-level error with what the command was doing, keeping its exit code. */
export function because(context: string, err: unknown): WskError {
  if (err instanceof WskError)
    return new WskError(`${context}: ${err.message}`, err.exitCode, err.showUsage, err.silent);
  return new WskError(`${context}: ${(err as Error).message}`);
}

export function usageError(message: string): WskError {
  return new WskError(message, EXIT.general, true);
}

/** Runs `fn`, prefixing any failure with what the command was doing. */
export async function attempt<T>(context: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw because(context, err);
  }
}
