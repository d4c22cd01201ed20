/**
 * One task on one host: `when`, check mode, the module call with its arguments resolved, then
 * Ansible's result overrides (failedWhen/changedWhen), `until`/`retries`, `ignoreErrors`.
 * A module that throws becomes a failed result; only UnreachableError escapes, so the runner
 * can mark the host unreachable instead of failed.
 */
import { type ModuleContext, type ModuleResult, runCall } from '../modules/module.ts';
import type { TaskResult } from '../output/reporter.ts';
import { UnreachableError } from '../transports/transport.ts';
import { sleep } from './concurrency.ts';
import type { Handler } from './playbook.ts';

/** Ansible's defaults: `until` without `retries` tries 3 more times, 5 seconds apart. */
const DEFAULT_UNTIL_RETRIES = 3;
const DEFAULT_DELAY_MS = 5000;

export async function executeTask(task: Handler, ctx: ModuleContext): Promise<TaskResult> {
  const where = `task "${task.name}"`;
  const when = await guard(where, 'when', () => (task.when ? task.when(ctx) : true));
  if (typeof when !== 'boolean') return when;
  if (!when) return { status: 'skipped', msg: 'conditional result was false' };
  if (ctx.check && task.run.module.checkMode === 'none') {
    return { status: 'skipped', msg: 'skipped in check mode' };
  }

  const retries = task.retries ?? (task.until ? DEFAULT_UNTIL_RETRIES : 0);
  const attempts = 1 + Math.max(0, retries);
  let result: TaskResult = { status: 'failed' };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    result = { ...(await settle(task, await runModule(task, ctx))), attempts: attempt };
    const done = await isDone(task, result);
    if (typeof done !== 'boolean') return { ...done, attempts: attempt };
    if (done) break;
    if (attempt === attempts) {
      result = exhausted(task, result, attempts);
      break;
    }
    ctx.log(`retrying "${task.name}" (attempt ${attempt} of ${attempts}): ${result.msg ?? result.status}`);
    await sleep(task.delayMs ?? DEFAULT_DELAY_MS, ctx.signal);
    if (ctx.signal?.aborted) break;
  }
  if (result.status === 'failed' && task.ignoreErrors) result.ignored = true;
  return result;
}

async function runModule(task: Handler, ctx: ModuleContext): Promise<ModuleResult> {
  try {
    return await runCall(task.run, ctx);
  } catch (err) {
    if (err instanceof UnreachableError) throw err;
    return { status: 'failed', msg: `${task.run.module.name}: ${errorMessage(err)}` };
  }
}

/** failedWhen decides failure, then changedWhen decides changed, as Ansible evaluates them. */
async function settle(task: Handler, result: ModuleResult): Promise<ModuleResult> {
  const where = `task "${task.name}"`;
  let settled = result;
  if (task.failedWhen) {
    const failed = await guard(where, 'failedWhen', () => task.failedWhen?.(result) ?? false);
    if (typeof failed !== 'boolean') return failed;
    if (failed && result.status !== 'failed') {
      settled = { ...result, status: 'failed', msg: result.msg ?? 'failedWhen condition was true' };
    } else if (!failed && result.status === 'failed') {
      settled = { ...result, status: 'ok' };
    }
  }
  if (task.changedWhen && settled.status !== 'failed' && settled.status !== 'skipped') {
    const changed = await guard(where, 'changedWhen', () => task.changedWhen?.(settled) ?? false);
    if (typeof changed !== 'boolean') return changed;
    settled = { ...settled, status: changed ? 'changed' : 'ok' };
  }
  return settled;
}

async function isDone(task: Handler, result: ModuleResult): Promise<boolean | ModuleResult> {
  if (task.until) return guard(`task "${task.name}"`, 'until', () => task.until?.(result) ?? true);
  return result.status !== 'failed';
}

function exhausted(task: Handler, result: TaskResult, attempts: number): TaskResult {
  if (attempts === 1) return result;
  const last = result.msg ? `; last result: ${result.msg}` : '';
  const what = task.until ? 'until condition still false' : 'still failing';
  return { ...result, status: 'failed', msg: `${what} after ${attempts} attempts${last}` };
}

/** Runs a playbook-supplied callback; a throw becomes a failed result naming the callback. */
async function guard<T>(
  where: string,
  callback: string,
  fn: () => T | Promise<T>,
): Promise<T | ModuleResult> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UnreachableError) throw err;
    return { status: 'failed', msg: `${where}: ${callback} threw: ${errorMessage(err)}; fix the playbook` };
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
