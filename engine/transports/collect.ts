/** Gathers a command's output for an ExecResult while streaming decoded chunks to the caller. */
import { constants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import type { ExecOptions, ExecResult } from './transport.ts';

/** How timeout(1) reports a command it ended: GNU 124, or the signal (busybox TERM 143, KILL 137). */
const TIMEOUT_EXITS = new Set([124, 137, 143]);

export class OutputCollector {
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private readonly outDecoder = new StringDecoder('utf8');
  private readonly errDecoder = new StringDecoder('utf8');
  private readonly startedAt = performance.now();

  constructor(private readonly options: Pick<ExecOptions, 'onStdout' | 'onStderr'> = {}) {}

  stdout = (chunk: Buffer): void => {
    this.out.push(chunk);
    if (this.options.onStdout) emit(this.outDecoder.write(chunk), this.options.onStdout);
  };

  stderr = (chunk: Buffer): void => {
    this.err.push(chunk);
    if (this.options.onStderr) emit(this.errDecoder.write(chunk), this.options.onStderr);
  };

  /** Raw stdout, for binary-safe file reads. */
  stdoutBytes(): Buffer {
    return Buffer.concat(this.out);
  }

  stderrText(): string {
    return Buffer.concat(this.err).toString('utf8');
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /**
   * The result; a command counts as timed out when the transport gave up on it, or when it
   * ended with timeout(1)'s exit codes once its time was up.
   */
  result(command: string, exitCode: number, gaveUp: boolean, timeoutMs?: number): ExecResult {
    const timedOut =
      gaveUp || (timeoutMs !== undefined && TIMEOUT_EXITS.has(exitCode) && this.elapsedMs() >= timeoutMs);
    if (this.options.onStdout) emit(this.outDecoder.end(), this.options.onStdout);
    if (this.options.onStderr) emit(this.errDecoder.end(), this.options.onStderr);
    return {
      command,
      exitCode,
      stdout: Buffer.concat(this.out).toString('utf8'),
      stderr: Buffer.concat(this.err).toString('utf8'),
      timedOut,
      durationMs: Math.round(performance.now() - this.startedAt),
    };
  }
}

function emit(text: string, sink: (chunk: string) => void): void {
  if (text) sink(text);
}

/** Shell convention for a process killed by a signal: 128 + signal number. */
export function signalExitCode(signal: string | undefined | null): number {
  if (!signal) return -1;
  const name = signal.startsWith('SIG') ? signal : `SIG${signal}`;
  const num = (constants.signals as Record<string, number>)[name];
  return num === undefined ? -1 : 128 + num;
}
