/**
 * What the runner tells the outside world while it runs. Three implementations render it: listr2
 * progress on a terminal (listr.ts), Ansible-like lines otherwise (plain.ts), JSON lines (json.ts).
 * Events arrive in run order; a reporter must never throw and never reveal secrets (it serializes
 * values through JSON/toString, which Secret masks).
 */
import type { ModuleResult } from '../modules/module.ts';
import type { Recap } from '../runner/recap.ts';

export interface PlaybookRef {
  name: string;
  description?: string;
  check: boolean;
  diff: boolean;
}

export interface TaskRef {
  playbook: string;
  play: string;
  name: string;
  /** The module the task runs, e.g. "copy". */
  module: string;
  kind: 'task' | 'handler';
  runOnce: boolean;
}

export interface PlayRef {
  playbook: string;
  name: string;
  /** The hosts of this batch (all of the play's hosts unless it has `serial`). */
  hosts: string[];
  /** 1-based batch number and the batch count; 1 of 1 without `serial`. */
  batch: number;
  batches: number;
  /** Tasks selected by --tags/--skip-tags, in run order. */
  tasks: TaskRef[];
}

/** A module's result as the runner settled it (after changedWhen/failedWhen/until). */
export interface TaskResult extends ModuleResult {
  /** Failed, but the task has ignoreErrors: the host went on. */
  ignored?: boolean;
  /** How many times the module ran (retries/until). */
  attempts?: number;
}

export interface Reporter {
  playbookStart(playbook: PlaybookRef): void;
  playStart(play: PlayRef): void;
  taskStart(host: string, task: TaskRef): void;
  taskEnd(host: string, task: TaskRef, result: TaskResult, durationMs: number): void;
  /** Every targeted host has finished the task (the runner moves to the next one). */
  taskDone(task: TaskRef): void;
  /** The host could not be reached while starting `task`; it runs nothing further. */
  hostUnreachable(host: string, task: TaskRef, reason: string): void;
  /** The handlers about to run at the end of the play (batch), in definition order. */
  handlersStart(play: PlayRef, handlers: TaskRef[]): void;
  handlerStart(host: string, handler: TaskRef): void;
  handlerEnd(host: string, handler: TaskRef, result: TaskResult, durationMs: number): void;
  playEnd(play: PlayRef): void;
  /** A module's verbose line (ModuleContext.log), shown with -v. */
  log(host: string, task: TaskRef, line: string): void;
  warning(message: string): void;
  recap(recap: Recap): void;
  /** Flushes whatever is still rendering. */
  close(): Promise<void>;
}

/** Status word as Ansible prints it. */
export function statusWord(result: TaskResult): string {
  if (result.status === 'skipped') return 'skipping';
  return result.status;
}
