/**
 * Ansible-like plain lines, for logs and pipes: `TASK [name]`, `ok: [host]`, `changed: [host]`,
 * `failed: [host] => msg` with the command and the tail of its output, then PLAY RECAP.
 */
import { type Recap, type TaskFailure, tail } from '../runner/recap.ts';
import { unifiedDiff } from './diff.ts';
import {
  type PlaybookRef,
  type PlayRef,
  type Reporter,
  statusWord,
  type TaskRef,
  type TaskResult,
} from './reporter.ts';
import { type Sink, stdoutSink } from './sink.ts';

export interface PlainOptions {
  out?: Sink;
  /** -v: module log lines, skip reasons, diffs, timings; -vv: every command's output too. */
  verbose?: number;
  /** --diff: unified diffs of what changed. */
  diff?: boolean;
}

const WIDTH = 79;

export function banner(title: string): string {
  return `${title} ${'*'.repeat(Math.max(3, WIDTH - title.length - 1))}`;
}

function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

export function formatHostStats(recap: Recap): string[] {
  const names = Object.keys(recap.hosts);
  const width = Math.max(0, ...names.map((n) => n.length));
  return names.map((name) => {
    const s = recap.hosts[name]!;
    return (
      `${name.padEnd(width)} : ok=${s.ok}  changed=${s.changed}  unreachable=${s.unreachable}  ` +
      `failed=${s.failed}  skipped=${s.skipped}  rescued=${s.rescued}  ignored=${s.ignored}`
    );
  });
}

/** What went wrong and where: the lines a user reads to decide what to fix. */
export function formatFailure(failure: TaskFailure): string {
  const head = failure.unreachable
    ? `${failure.host}: UNREACHABLE during "${failure.task}" (play "${failure.play}"): ${failure.msg}`
    : `${failure.host}: task "${failure.task}" (play "${failure.play}") failed: ${failure.msg}`;
  return [head, ...commandDetails(failure.command, failure.stdoutTail, failure.stderrTail)].join('\n');
}

function commandDetails(command?: string, stdout?: string, stderr?: string): string[] {
  const lines: string[] = [];
  if (command) lines.push(`  command: ${command}`);
  if (stdout?.trim()) lines.push('  stdout (tail):', indent(stdout.trimEnd()));
  if (stderr?.trim()) lines.push('  stderr (tail):', indent(stderr.trimEnd()));
  return lines;
}

export function formatRecap(recap: Recap): string[] {
  const lines = ['', banner('PLAY RECAP'), ...formatHostStats(recap), ''];
  if (recap.aborted) lines.push(`Run stopped early: ${recap.aborted}`);
  lines.push(`Finished in ${(recap.durationMs / 1000).toFixed(1)}s`);
  return lines;
}

export class PlainReporter implements Reporter {
  private readonly out: Sink;
  private readonly verbose: number;
  private readonly showDiff: boolean;
  private current: TaskRef | undefined;

  constructor(options: PlainOptions = {}) {
    this.out = options.out ?? stdoutSink;
    this.verbose = options.verbose ?? 0;
    this.showDiff = (options.diff ?? false) || this.verbose > 0;
  }

  private line(text = ''): void {
    this.out.write(`${text}\n`);
  }

  playbookStart(playbook: PlaybookRef): void {
    const mode = playbook.check ? ' (check mode: nothing is changed)' : '';
    const about = playbook.description ? ` - ${playbook.description}` : '';
    this.line(banner(`PLAYBOOK [${playbook.name}]${mode}${about}`));
  }

  playStart(play: PlayRef): void {
    this.current = undefined;
    const batch = play.batches > 1 ? ` batch ${play.batch}/${play.batches}` : '';
    this.line();
    this.line(banner(`PLAY [${play.name}]${batch} (${play.hosts.join(', ')})`));
  }

  taskStart(_host: string, task: TaskRef): void {
    this.header(task, 'TASK');
  }

  handlerStart(_host: string, handler: TaskRef): void {
    this.header(handler, 'RUNNING HANDLER');
  }

  private header(task: TaskRef, word: string): void {
    if (this.current === task) return;
    this.current = task;
    this.line();
    this.line(banner(`${word} [${task.name}]`));
  }

  taskEnd(host: string, task: TaskRef, result: TaskResult, durationMs: number): void {
    this.header(task, task.kind === 'handler' ? 'RUNNING HANDLER' : 'TASK');
    const time = this.verbose > 0 ? ` (${durationMs} ms)` : '';
    const once = task.runOnce ? ' (run once)' : '';
    const status = statusWord(result);
    const showMsg = result.msg && (result.status === 'failed' || this.verbose > 0);
    this.line(`${status}: [${host}]${once}${time}${showMsg ? ` => ${result.msg}` : ''}`);
    // -vv shows what every command printed, not only failing ones.
    if (result.status === 'failed' || this.verbose > 1) {
      for (const detail of commandDetails(result.command, tail(result.stdout), tail(result.stderr))) {
        this.line(detail);
      }
      if (result.ignored) this.line('...ignoring');
    }
    if (this.showDiff && result.diff) {
      for (const diff of result.diff) this.line(unifiedDiff(diff));
    }
  }

  handlerEnd(host: string, handler: TaskRef, result: TaskResult, durationMs: number): void {
    this.taskEnd(host, handler, result, durationMs);
  }

  taskDone(): void {}

  handlersStart(): void {}

  hostUnreachable(host: string, task: TaskRef, reason: string): void {
    this.header(task, task.kind === 'handler' ? 'RUNNING HANDLER' : 'TASK');
    this.line(`fatal: [${host}]: UNREACHABLE! => ${reason}`);
  }

  playEnd(): void {}

  log(host: string, _task: TaskRef, line: string): void {
    if (this.verbose > 0) this.line(`  [${host}] ${line}`);
  }

  warning(message: string): void {
    this.line(`[WARNING]: ${message}`);
  }

  recap(recap: Recap): void {
    for (const line of formatRecap(recap)) this.line(line);
  }

  async close(): Promise<void> {}
}
