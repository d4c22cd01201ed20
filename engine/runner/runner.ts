/**
 * ansible-playbook's semantics with the linear strategy: plays in order; each task runs on every
 * active host of the batch (at most `forks` at once) before the next task starts; a failed or
 * unreachable host drops out for the rest of the run while the others go on; handlers run at the
 * end of each batch on the hosts that notified them, once each, in definition order.
 */
import type { Host, Inventory } from '../inventory/types.ts';
import type { ModuleContext } from '../modules/module.ts';
import type { PlayRef, Reporter, TaskRef, TaskResult } from '../output/reporter.ts';
import { type Transport, UnreachableError } from '../transports/transport.ts';
import { batches, batchSize } from './batches.ts';
import { mapLimit } from './concurrency.ts';
import { PlaybookError } from './errors.ts';
import { errorMessage, executeTask } from './execute.ts';
import { RunJournal } from './journal.ts';
import type { Handler, Play, Playbook, Task } from './playbook.ts';
import { type Recap, RecapBuilder } from './recap.ts';
import { taskSelected } from './tags.ts';
import { validatePlaybook } from './validate.ts';

export interface TransportSource {
  get(host: Host): Transport;
  closeAll(): Promise<void>;
}

export interface RunOptions {
  inventory: Inventory;
  /** Closed by the runner when the run ends. */
  transports: TransportSource;
  check?: boolean;
  diff?: boolean;
  /** Host pattern further restricting every play (ansible-playbook --limit). */
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  /** Hosts worked on at once (default 10). */
  forks?: number;
  verbose?: number;
  reporter: Reporter;
  /** Run journal of handlers still to run; without it pending handlers live only for this run. */
  journalPath?: string;
  expectNoChanges?: boolean;
  signal?: AbortSignal;
}

export const DEFAULT_FORKS = 10;

interface HostState {
  host: Host;
  transport: Transport;
  connected: boolean;
  /** Registered results persist across plays, as Ansible's host facts do. */
  registered: ModuleContext['registered'];
  down?: 'failed' | 'unreachable';
}

export async function runPlaybooks(playbooks: Playbook[], opts: RunOptions): Promise<Recap> {
  playbooks.forEach(validatePlaybook);
  const limited = opts.limit ? limitHosts(opts.inventory, opts.limit) : undefined;
  const journal = await RunJournal.open(opts.journalPath, { readOnly: opts.check });
  const run = new Run(opts, journal, limited);
  try {
    await run.all(playbooks);
    const recap = run.recap.finish();
    if (opts.expectNoChanges) reportDrift(recap, opts.reporter, opts.check ?? false);
    opts.reporter.recap(recap);
    return recap;
  } finally {
    await opts.transports.closeAll();
    // Also on an error: a progress display left running would keep the process alive.
    await opts.reporter.close();
  }
}

class Run {
  readonly recap = new RecapBuilder();
  private readonly states = new Map<string, HostState>();
  private readonly forks: number;

  constructor(
    private readonly opts: RunOptions,
    private readonly journal: RunJournal,
    private readonly limited: Set<string> | undefined,
  ) {
    this.forks = opts.forks ?? DEFAULT_FORKS;
  }

  private get stopped(): boolean {
    return this.opts.signal?.aborted === true;
  }

  async all(playbooks: Playbook[]): Promise<void> {
    for (const playbook of playbooks) {
      this.opts.reporter.playbookStart({
        name: playbook.name,
        description: playbook.description,
        check: this.opts.check ?? false,
        diff: this.opts.diff ?? false,
      });
      for (const play of playbook.plays) {
        const go = await this.play(playbook, play);
        if (this.stopped) this.recap.interrupt();
        if (!go || this.stopped) return;
      }
    }
  }

  /** Returns false when the run must stop (max_fail_percentage exceeded). */
  private async play(playbook: Playbook, play: Play): Promise<boolean> {
    const { inventory, reporter } = this.opts;
    const matched = inventory.match(play.hosts);
    const hosts = matched.filter((h) => !this.limited || this.limited.has(h));
    const alive = hosts.filter((h) => !this.state(h).down);
    if (alive.length === 0) {
      const why =
        matched.length === 0
          ? `no host of environment ${inventory.name} matches "${play.hosts}"`
          : hosts.length === 0
            ? `--limit excludes all of its hosts`
            : 'all of its hosts failed earlier in this run';
      reporter.warning(`play "${play.name}" skipped: ${why}`);
      return true;
    }
    const selected = play.tasks.filter((t) =>
      taskSelected([...(play.tags ?? []), ...(t.tags ?? [])], this.opts),
    );
    const groups = batches(alive, batchSize(play.serial, alive.length, play.name));
    for (const [index, group] of groups.entries()) {
      const ref: PlayRef = {
        playbook: playbook.name,
        name: play.name,
        hosts: group,
        batch: index + 1,
        batches: groups.length,
        tasks: selected.map((t) => taskRef(playbook, play, t, 'task')),
      };
      const go = await this.batch(playbook, play, ref, selected);
      reporter.playEnd(ref);
      if (!go || this.stopped) return go;
    }
    return true;
  }

  private async batch(playbook: Playbook, play: Play, playRef: PlayRef, tasks: Task[]): Promise<boolean> {
    const refs = playRef.tasks;
    const states = playRef.hosts.map((h) => this.state(h));
    const notified = new Map<string, Set<string>>(playRef.hosts.map((h) => [h, new Set<string>()]));
    this.opts.reporter.playStart(playRef);
    await this.restorePending(playbook, play, notified);
    for (const host of playRef.hosts) this.recap.touch(host);

    for (const [index, task] of tasks.entries()) {
      if (this.stopped || states.every((s) => s.down)) break;
      const ref = refs[index] as TaskRef;
      await this.step(ref, task, states, async (state, result) => {
        if (result.status !== 'changed' || !task.notify) return;
        for (const handler of task.notify) {
          notified.get(state.host.name)?.add(handler);
          await this.journal.notify({
            playbook: playbook.name,
            play: play.name,
            host: state.host.name,
            handler,
          });
        }
      });
      if (this.exceededFailures(play, states)) return false;
    }
    if (this.stopped) return true;

    const handlers = (play.handlers ?? []).filter((h) =>
      states.some((s) => !s.down && notified.get(s.host.name)?.has(h.name)),
    );
    const handlerRefs = handlers.map((h) => taskRef(playbook, play, h, 'handler'));
    if (handlers.length > 0) this.opts.reporter.handlersStart(playRef, handlerRefs);
    for (const [index, handler] of handlers.entries()) {
      if (this.stopped) break;
      const targets = states.filter((s) => !s.down && notified.get(s.host.name)?.has(handler.name));
      await this.step(handlerRefs[index] as TaskRef, handler, targets, async (state, result) => {
        if (result.status === 'failed' && !result.ignored) return;
        notified.get(state.host.name)?.delete(handler.name);
        await this.journal.done({
          playbook: playbook.name,
          play: play.name,
          host: state.host.name,
          handler: handler.name,
        });
      });
      if (this.exceededFailures(play, states)) return false;
    }
    return true;
  }

  /** Handlers a failed earlier run notified but never ran: they run at the end of this play. */
  private async restorePending(playbook: Playbook, play: Play, notified: Map<string, Set<string>>) {
    const known = new Set((play.handlers ?? []).map((h) => h.name));
    for (const [host, names] of notified) {
      for (const pending of this.journal.pendingFor(playbook.name, play.name, host)) {
        if (known.has(pending.handler)) {
          names.add(pending.handler);
          this.opts.reporter.warning(
            `handler "${pending.handler}" on ${host} was notified at ${pending.notifiedAt} by a run that did not finish; it runs at the end of play "${play.name}"`,
          );
        } else {
          this.opts.reporter.warning(
            `run journal lists handler "${pending.handler}" on ${host} for play "${play.name}", but the play has no such handler any more; forgetting it`,
          );
          await this.journal.done(pending);
        }
      }
    }
  }

  /** Runs one task (or handler) on the active hosts, at most `forks` at once. */
  private async step(
    ref: TaskRef,
    task: Handler,
    states: HostState[],
    after: (state: HostState, result: TaskResult) => Promise<void>,
  ): Promise<void> {
    const active = states.filter((s) => !s.down);
    const targets = task.runOnce ? active.slice(0, 1) : active;
    await mapLimit(targets, this.forks, async (state) => {
      if (this.stopped) return;
      const result = await this.onHost(ref, task, state);
      if (!result) return;
      if (task.register) {
        // run_once: every host of the batch sees the one result, as in Ansible.
        for (const s of task.runOnce ? active : [state]) s.registered[task.register] = result;
      }
      if (result.status === 'failed' && !result.ignored) state.down = 'failed';
      await after(state, result);
    });
    this.opts.reporter.taskDone(ref);
  }

  /** The task's result on one host, or undefined when the host turned out unreachable. */
  private async onHost(ref: TaskRef, task: Handler, state: HostState): Promise<TaskResult | undefined> {
    const { reporter } = this.opts;
    const host = state.host.name;
    const where = { playbook: ref.playbook, play: ref.play, task: ref.name, host };
    if (ref.kind === 'handler') reporter.handlerStart(host, ref);
    else reporter.taskStart(host, ref);
    const started = performance.now();
    let result: TaskResult;
    try {
      if (!state.connected) {
        await state.transport.connect();
        state.connected = true;
      }
      result = await executeTask(task, this.context(state, ref));
    } catch (err) {
      // Anything that stops us from even talking to the host makes it unreachable, not failed.
      const reason = err instanceof UnreachableError ? err.reason : errorMessage(err);
      state.down = 'unreachable';
      this.recap.unreachable(where, reason);
      reporter.hostUnreachable(host, ref, reason);
      return undefined;
    }
    const durationMs = Math.round(performance.now() - started);
    this.recap.count(where, result, result.ignored ?? false);
    if (ref.kind === 'handler') reporter.handlerEnd(host, ref, result, durationMs);
    else reporter.taskEnd(host, ref, result, durationMs);
    return result;
  }

  private context(state: HostState, ref: TaskRef): ModuleContext {
    const { inventory, reporter, check, diff, verbose, signal } = this.opts;
    return {
      host: state.host,
      inventory,
      transport: state.transport,
      check: check ?? false,
      // -v shows diffs too, so modules must compute them.
      diff: (diff ?? false) || (verbose ?? 0) > 0,
      registered: state.registered,
      log: (line) => reporter.log(state.host.name, ref, line),
      signal,
    };
  }

  /**
   * max_fail_percentage: abort when more than that share of the batch has failed. Unset, it
   * applies only to `serial` plays, where it defaults to 0 so a broken rolling update stops at
   * the first failing batch; a play without `serial` lets the healthy hosts finish.
   */
  private exceededFailures(play: Play, states: HostState[]): boolean {
    const limit = play.maxFailPercentage ?? (play.serial !== undefined ? 0 : undefined);
    const down = states.filter((s) => s.down).length;
    if (limit === undefined || down === 0) return false;
    const percent = (down / states.length) * 100;
    if (percent <= limit && down < states.length) return false;
    const reason =
      `play "${play.name}": ${down} of ${states.length} hosts in the batch failed ` +
      `(${Math.round(percent)}% > max_fail_percentage ${limit}%); the rest of the run was not started`;
    this.recap.abort(reason);
    this.opts.reporter.warning(reason);
    return true;
  }

  private state(name: string): HostState {
    let state = this.states.get(name);
    if (!state) {
      const host = this.opts.inventory.hosts.get(name);
      if (!host) {
        throw new PlaybookError(
          `inventory ${this.opts.inventory.name} matched host "${name}" but has no such host entry`,
        );
      }
      state = { host, transport: this.opts.transports.get(host), connected: false, registered: {} };
      this.states.set(name, state);
    }
    return state;
  }
}

/** --expect-no-changes: name what drifted, so the exit code 3 comes with its reason. */
function reportDrift(recap: Recap, reporter: Reporter, check: boolean): void {
  if (recap.changes.length === 0) return;
  const shown = 20;
  const list = recap.changes.slice(0, shown).map((c) => `${c.host}: ${c.play} / ${c.task}`);
  if (recap.changes.length > shown) list.push(`… and ${recap.changes.length - shown} more`);
  reporter.warning(
    `expected no changes, but ${recap.changes.length} task result(s) ${check ? 'would change' : 'changed'}:\n  ${list.join('\n  ')}`,
  );
}

function taskRef(playbook: Playbook, play: Play, task: Handler, kind: TaskRef['kind']): TaskRef {
  return {
    playbook: playbook.name,
    play: play.name,
    name: task.name,
    module: task.run.module.name,
    kind,
    runOnce: task.runOnce ?? false,
  };
}

function limitHosts(inventory: Inventory, limit: string): Set<string> {
  // ansible-playbook accepts "a,b" as well as "a:b".
  const hosts = new Set(inventory.match(limit.split(',').join(':')));
  if (hosts.size === 0) {
    throw new PlaybookError(
      `--limit "${limit}" matches no host of environment ${inventory.name} ` +
        `(hosts: ${[...inventory.hosts.keys()].join(', ')}); run \`owctl inventory -i ${inventory.name}\` to list them`,
    );
  }
  return hosts;
}
