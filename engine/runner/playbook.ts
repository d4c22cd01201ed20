/**
 * Playbooks are TypeScript: a Playbook is a list of Plays; a Play targets a host pattern and runs
 * ordered Tasks, with Handlers notified on change. Everything is typed so an editor completes it.
 */
import type { ModuleCall, ModuleContext, ModuleResult } from '../modules/module.ts';

export interface Task {
  name: string;
  /** A module factory's result, e.g. copy({ dest, content }). */
  run: ModuleCall<unknown>;
  /** Run only when this returns true for the host (evaluated at run time). */
  when?: (ctx: ModuleContext) => boolean | Promise<boolean>;
  tags?: string[];
  /** Handler names to notify when this task reports changed. */
  notify?: string[];
  /** Store the result under this name in ctx.registered. */
  register?: string;
  /** Retry a failed task (or until `until` holds) this many times, `delayMs` apart. */
  retries?: number;
  delayMs?: number;
  until?: (result: ModuleResult) => boolean;
  /** A failure is reported but does not stop the host. */
  ignoreErrors?: boolean;
  /** Override: this task changes nothing (e.g. a probe command) — report ok instead of changed. */
  changedWhen?: (result: ModuleResult) => boolean;
  /** Override what counts as failure. */
  failedWhen?: (result: ModuleResult) => boolean;
  /** Run this task once for the play, on the first host of the batch (Ansible's run_once). */
  runOnce?: boolean;
}

export interface Handler extends Omit<Task, 'notify'> {}

export interface Play {
  name: string;
  /** Ansible host pattern: "all", a group, a host, "a:b", "a:!b". */
  hosts: string;
  tasks: Task[];
  handlers?: Handler[];
  /** Rolling updates: batch size (number or "30%"). Each batch finishes before the next starts. */
  serial?: number | string;
  /**
   * Abort the run when more than this percentage of a batch failed. Unset: 0 (any failure) for
   * `serial` plays, so a broken rolling update stops; a play without `serial` lets the healthy
   * hosts finish, as ansible-playbook does.
   */
  maxFailPercentage?: number;
  tags?: string[];
}

export interface Playbook {
  name: string;
  description?: string;
  /** Set on playbooks that destroy data (wipe): the CLI asks for confirmation unless --yes. */
  destructive?: string;
  plays: Play[];
}

export function definePlaybook(playbook: Playbook): Playbook {
  return playbook;
}
