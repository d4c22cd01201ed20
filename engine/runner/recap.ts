/**
 * PLAY RECAP: per-host counters as ansible-playbook prints them, plus the failures that explain a
 * non-zero exit code, and the exit code itself.
 */
import type { ModuleResult } from '../modules/module.ts';

export interface HostStats {
  /** Successful task results, changed ones included (Ansible counts them in both). */
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  /** 1 when the host could not be reached; the host then ran nothing further. */
  unreachable: number;
  /** Always 0: playbooks have no block/rescue; kept so the shape matches Ansible's recap. */
  rescued: 0;
  /** Failures of tasks with `ignoreErrors`: reported, but the host went on. */
  ignored: number;
}

export interface TaskFailure {
  playbook: string;
  play: string;
  task: string;
  host: string;
  msg: string;
  unreachable?: boolean;
  command?: string;
  stdoutTail?: string;
  stderrTail?: string;
}

export interface TaskChange {
  playbook: string;
  play: string;
  task: string;
  host: string;
}

export interface Recap {
  hosts: Record<string, HostStats>;
  /** Some task failed on some host (ignored failures do not count). */
  failed: boolean;
  unreachable: boolean;
  /** Changed (or, in check mode, would-change) task results over all hosts. */
  changed: number;
  durationMs: number;
  failures: TaskFailure[];
  /** Where something changed (or would change): what --expect-no-changes reports as drift. */
  changes: TaskChange[];
  /** Why the run stopped early: max_fail_percentage exceeded, or interrupted. */
  aborted?: string;
  /** The run was stopped by its AbortSignal (Ctrl-C). */
  interrupted?: boolean;
}

export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_FAILED = 2;
export const EXIT_CHANGES = 3;
export const EXIT_UNREACHABLE = 4;
export const EXIT_INTERRUPTED = 130;

/**
 * ansible-playbook's exit codes: 2 when a task failed, 4 when a host was unreachable. When both
 * happened we return 2, because a failed task is the more specific thing to go and fix; the
 * unreachable hosts are listed in the recap either way. 3 is owctl's drift signal: with
 * `--expect-no-changes` a run that changed (or in check mode would change) anything exits 3.
 */
export function exitCodeFor(recap: Recap, expectNoChanges = false): number {
  if (recap.interrupted) return EXIT_INTERRUPTED;
  if (recap.failed) return EXIT_FAILED;
  if (recap.unreachable) return EXIT_UNREACHABLE;
  if (expectNoChanges && recap.changed > 0) return EXIT_CHANGES;
  return EXIT_OK;
}

const TAIL_LINES = 20;

/** The last lines of a command's output: enough to see why it failed without flooding the screen. */
export function tail(text: string | undefined, lines = TAIL_LINES): string | undefined {
  if (!text) return undefined;
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, rescued: 0, ignored: 0 };
}

/** Accumulates results while a run goes on; `finish()` produces the Recap. */
export class RecapBuilder {
  private readonly hosts = new Map<string, HostStats>();
  private readonly failures: TaskFailure[] = [];
  private readonly changes: TaskChange[] = [];
  private readonly started = performance.now();
  private abortReason: string | undefined;
  private wasInterrupted = false;

  /** Hosts appear in the recap once targeted, even if every task on them was skipped. */
  touch(host: string): HostStats {
    let stats = this.hosts.get(host);
    if (!stats) {
      stats = emptyStats();
      this.hosts.set(host, stats);
    }
    return stats;
  }

  count(where: Omit<TaskFailure, 'msg'>, result: ModuleResult, ignored: boolean): void {
    const stats = this.touch(where.host);
    switch (result.status) {
      case 'ok':
        stats.ok++;
        break;
      case 'changed':
        stats.ok++;
        stats.changed++;
        this.changes.push(where);
        break;
      case 'skipped':
        stats.skipped++;
        break;
      case 'failed':
        if (ignored) {
          stats.ignored++;
          break;
        }
        stats.failed++;
        this.failures.push({
          ...where,
          msg: result.msg ?? 'failed (the module gave no message)',
          command: result.command,
          stdoutTail: tail(result.stdout),
          stderrTail: tail(result.stderr),
        });
        break;
    }
  }

  unreachable(where: Omit<TaskFailure, 'msg'>, reason: string): void {
    this.touch(where.host).unreachable = 1;
    this.failures.push({ ...where, msg: reason, unreachable: true });
  }

  abort(reason: string): void {
    this.abortReason ??= reason;
  }

  interrupt(): void {
    this.wasInterrupted = true;
    this.abort('interrupted');
  }

  finish(): Recap {
    const hosts = Object.fromEntries([...this.hosts].sort(([a], [b]) => a.localeCompare(b)));
    const all = Object.values(hosts);
    const recap: Recap = {
      hosts,
      failed: all.some((h) => h.failed > 0),
      unreachable: all.some((h) => h.unreachable > 0),
      changed: all.reduce((sum, h) => sum + h.changed, 0),
      durationMs: Math.round(performance.now() - this.started),
      failures: this.failures,
      changes: this.changes,
    };
    if (this.abortReason) recap.aborted = this.abortReason;
    if (this.wasInterrupted) recap.interrupted = true;
    return recap;
  }
}
