/**
 * listr2 progress for a terminal: one line per play (batch), its tasks as subtasks showing each
 * host's status. The runner drives it with events; each subtask waits on a TaskView that those
 * events fill in, so rendering may lag the run but never blocks it. Lists render one after the
 * other (play, then its handlers); the recap and failure details are printed once rendering ends.
 */
import { Listr, type ListrTask } from 'listr2';
import type { Recap } from '../runner/recap.ts';
import { unifiedDiff } from './diff.ts';
import { formatFailure, formatRecap } from './plain.ts';
import type { PlaybookRef, PlayRef, Reporter, TaskRef, TaskResult } from './reporter.ts';
import { type Sink, stdoutSink } from './sink.ts';

export interface ListrOptions {
  out?: Sink;
  verbose?: number;
  /** --diff: print the unified diffs of changed tasks after the progress display. */
  diff?: boolean;
  /** listr2 renderer: 'default' on a terminal; 'simple' or 'silent' elsewhere (tests). */
  renderer?: 'default' | 'simple' | 'silent';
}

type Outcome = 'ok' | 'changed' | 'failed' | 'ignored' | 'skipped' | 'unreachable';

/** What a subtask shows: which hosts run it, and how each one ended. */
class TaskView {
  readonly outcomes = new Map<string, Outcome>();
  readonly running = new Set<string>();
  lastLog: string | undefined;
  private listener: (() => void) | undefined;
  private finish: () => void = () => {};
  readonly done = new Promise<void>((resolve) => {
    this.finish = resolve;
  });

  constructor(readonly ref: TaskRef) {}

  start(host: string): void {
    this.running.add(host);
    this.changed();
  }

  end(host: string, outcome: Outcome): void {
    this.running.delete(host);
    this.outcomes.set(host, outcome);
    this.changed();
  }

  log(host: string, line: string): void {
    this.lastLog = `[${host}] ${line}`;
    this.changed();
  }

  complete(): void {
    this.finish();
  }

  onChange(listener: () => void): void {
    this.listener = listener;
    listener();
  }

  private changed(): void {
    this.listener?.();
  }

  progress(): string {
    const parts = [];
    if (this.running.size > 0) parts.push(`running on ${[...this.running].join(', ')}`);
    if (this.outcomes.size > 0) parts.push(this.summary());
    if (this.lastLog) parts.push(this.lastLog);
    return parts.join('\n');
  }

  /** "changed: a, b · ok: c" */
  summary(): string {
    const byOutcome = new Map<Outcome, string[]>();
    for (const [host, outcome] of this.outcomes) {
      byOutcome.set(outcome, [...(byOutcome.get(outcome) ?? []), host].sort());
    }
    return [...byOutcome].map(([outcome, hosts]) => `${outcome}: ${hosts.join(', ')}`).join(' · ');
  }

  failed(): boolean {
    return [...this.outcomes.values()].some((o) => o === 'failed' || o === 'unreachable');
  }

  allSkipped(): boolean {
    return [...this.outcomes.values()].every((o) => o === 'skipped');
  }
}

function outcomeOf(result: TaskResult): Outcome {
  return result.ignored ? 'ignored' : result.status;
}

export class ListrReporter implements Reporter {
  private readonly out: Sink;
  private readonly verbose: number;
  private readonly renderer: NonNullable<ListrOptions['renderer']>;
  private readonly views = new Map<TaskRef, TaskView>();
  private readonly open: TaskView[] = [];
  private readonly warnings: string[] = [];
  private readonly diffs: string[] = [];
  private readonly showDiff: boolean;
  private rendering: Promise<void> = Promise.resolve();
  private finalRecap: Recap | undefined;
  private checkMode = false;

  constructor(options: ListrOptions = {}) {
    this.out = options.out ?? stdoutSink;
    this.verbose = options.verbose ?? 0;
    this.renderer = options.renderer ?? 'default';
    this.showDiff = (options.diff ?? false) || this.verbose > 0;
  }

  playbookStart(playbook: PlaybookRef): void {
    this.checkMode = playbook.check;
  }

  playStart(play: PlayRef): void {
    const batch = play.batches > 1 ? ` batch ${play.batch}/${play.batches}` : '';
    const mode = this.checkMode ? ' (check mode)' : '';
    this.render(`PLAY [${play.name}]${batch}${mode} (${play.hosts.join(', ')})`, play.tasks);
  }

  handlersStart(play: PlayRef, handlers: TaskRef[]): void {
    this.render(`HANDLERS [${play.name}]`, handlers);
  }

  /** Queues a list whose subtasks follow the views of `refs`; lists render one at a time. */
  private render(title: string, refs: TaskRef[]): void {
    const views = refs.map((ref) => this.view(ref));
    this.open.push(...views);
    const subtasks: ListrTask[] = views.map((view) => ({
      title: view.ref.name,
      task: async (_ctx, task) => {
        view.onChange(() => {
          task.output = view.progress();
        });
        await view.done;
        const summary = view.summary();
        if (view.outcomes.size === 0 || view.allSkipped()) {
          task.skip(`${view.ref.name}${summary ? `  ${summary}` : ' (not run)'}`);
          return;
        }
        task.title = `${view.ref.name}  ${summary}`;
        // The details are printed under FAILURES at the end; the line keeps the per-host summary.
        if (view.failed()) throw new Error(task.title);
      },
    }));
    const list = new Listr(
      [{ title, task: (_ctx, task) => task.newListr(subtasks, { exitOnError: false }) }],
      {
        renderer: this.renderer,
        fallbackRenderer: 'simple',
        exitOnError: false,
        registerSignalListeners: false,
        rendererOptions: { collapseSubtasks: false, collapseSkips: true, showSkipMessage: true },
      },
    );
    this.rendering = this.rendering.then(
      () => list.run().then(() => undefined),
      () => undefined,
    );
  }

  private view(ref: TaskRef): TaskView {
    let view = this.views.get(ref);
    if (!view) {
      view = new TaskView(ref);
      this.views.set(ref, view);
    }
    return view;
  }

  taskStart(host: string, task: TaskRef): void {
    this.view(task).start(host);
  }

  handlerStart(host: string, handler: TaskRef): void {
    this.view(handler).start(host);
  }

  taskEnd(host: string, task: TaskRef, result: TaskResult): void {
    this.view(task).end(host, outcomeOf(result));
    if (this.showDiff && result.diff?.length) {
      this.diffs.push(`[${host}] ${task.name}`, ...result.diff.map(unifiedDiff));
    }
  }

  handlerEnd(host: string, handler: TaskRef, result: TaskResult): void {
    this.taskEnd(host, handler, result);
  }

  hostUnreachable(host: string, task: TaskRef): void {
    this.view(task).end(host, 'unreachable');
  }

  taskDone(task: TaskRef): void {
    this.view(task).complete();
  }

  /** Tasks never reached (all hosts down, run aborted) show as not run. */
  playEnd(): void {
    for (const view of this.open.splice(0)) view.complete();
  }

  log(host: string, task: TaskRef, line: string): void {
    if (this.verbose > 0) this.view(task).log(host, line);
  }

  warning(message: string): void {
    this.warnings.push(message);
  }

  recap(recap: Recap): void {
    this.finalRecap = recap;
  }

  async close(): Promise<void> {
    for (const view of this.open.splice(0)) view.complete();
    await this.rendering;
    const write = (line: string) => this.out.write(`${line}\n`);
    for (const warning of this.warnings.splice(0)) write(`[WARNING]: ${warning}`);
    if (this.diffs.length > 0) write(['', 'DIFFS', ...this.diffs.splice(0)].join('\n'));
    if (!this.finalRecap) return;
    if (this.finalRecap.failures.length > 0) {
      write('');
      write('FAILURES');
      for (const failure of this.finalRecap.failures) write(formatFailure(failure));
    }
    for (const line of formatRecap(this.finalRecap)) write(line);
  }
}
