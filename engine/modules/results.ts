/**
 * Building ModuleResults: the three outcomes every module reports, and the failure shape for a
 * command that exited non-zero (command, exit code, tail of its output).
 */
import type { ExecResult } from '../transports/transport.ts';
import type { ModuleContext, ModuleResult } from './module.ts';

/** Lines of stdout/stderr kept in a failure: enough to see the cause, short enough to read. */
const TAIL_LINES = 20;

export function ok(msg?: string, data?: Record<string, unknown>): ModuleResult {
  return { status: 'ok', msg, data };
}

export function changed(msg?: string, data?: Record<string, unknown>): ModuleResult {
  return { status: 'changed', msg, data };
}

export function failed(msg: string, extra: Partial<ModuleResult> = {}): ModuleResult {
  return { ...extra, status: 'failed', msg };
}

/** The last `lines` lines of a command's output. */
export function tail(text: string, lines = TAIL_LINES): string {
  const all = text.replace(/\s+$/, '').split('\n');
  return all.length <= lines ? all.join('\n') : ['…', ...all.slice(-lines)].join('\n');
}

/** The last non-empty line, to quote in a one-line message. */
export function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1]?.trim() ?? '';
}

/**
 * A failed command as a result: `what` says what the module was doing ("creating directory /x"),
 * `hint` what the user should do next.
 */
export function commandFailed(ctx: ModuleContext, what: string, res: ExecResult, hint: string): ModuleResult {
  const why = res.timedOut
    ? `timed out after ${res.durationMs} ms`
    : `exit code ${res.exitCode}${lastLine(res.stderr) ? `: ${lastLine(res.stderr)}` : ''}`;
  return failed(`${what} failed on host ${ctx.host.name} (${why}); ${hint}`, {
    command: res.command,
    exitCode: res.exitCode,
    stdout: tail(res.stdout),
    stderr: tail(res.stderr),
  });
}

/** Runs a command that must succeed; returns its result, or the failure to report. */
export async function mustExec(
  ctx: ModuleContext,
  command: string,
  what: string,
  hint: string,
  become?: boolean,
): Promise<{ ok: true; stdout: string } | { ok: false; result: ModuleResult }> {
  const res = await ctx.transport.exec(command, { become });
  if (res.exitCode === 0 && !res.timedOut) return { ok: true, stdout: res.stdout };
  return { ok: false, result: commandFailed(ctx, what, res, hint) };
}

/** A thrown error's message, for reporting unexpected errors (e.g. a lost connection). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
