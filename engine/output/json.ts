/**
 * JSON lines for machines (`--json`): one line per task result, with its timing, and as the very
 * last line `{"recap": {"<host>": {"ok","changed","failed","skipped","unreachable"}}, "durationMs"}`
 * so a script can `tail -n1 | jq .recap`. Values go through JSON.stringify, so Secrets print masked.
 */
import { type Recap, tail } from '../runner/recap.ts';
import type { PlaybookRef, PlayRef, Reporter, TaskRef, TaskResult } from './reporter.ts';
import { type Sink, stdoutSink } from './sink.ts';

export interface JsonOptions {
  out?: Sink;
  /** -v: include module log lines as {"event":"log"} lines. */
  verbose?: number;
}

export class JsonReporter implements Reporter {
  private readonly out: Sink;
  private readonly verbose: number;

  constructor(options: JsonOptions = {}) {
    this.out = options.out ?? stdoutSink;
    this.verbose = options.verbose ?? 0;
  }

  private emit(value: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify(value)}\n`);
  }

  playbookStart(playbook: PlaybookRef): void {
    this.emit({ event: 'playbook', playbook: playbook.name, check: playbook.check });
  }

  playStart(play: PlayRef): void {
    this.emit({
      event: 'play',
      playbook: play.playbook,
      play: play.name,
      hosts: play.hosts,
      batch: play.batch,
      batches: play.batches,
    });
  }

  taskStart(): void {}

  handlerStart(): void {}

  taskEnd(host: string, task: TaskRef, result: TaskResult, durationMs: number): void {
    this.emit({
      event: task.kind,
      playbook: task.playbook,
      play: task.play,
      task: task.name,
      module: task.module,
      host,
      status: result.status,
      durationMs,
      msg: result.msg,
      ignored: result.ignored,
      attempts: result.attempts && result.attempts > 1 ? result.attempts : undefined,
      runOnce: task.runOnce || undefined,
      diff: result.diff,
      command: result.status === 'failed' ? result.command : undefined,
      exitCode: result.status === 'failed' ? result.exitCode : undefined,
      stdout: result.status === 'failed' ? tail(result.stdout) : undefined,
      stderr: result.status === 'failed' ? tail(result.stderr) : undefined,
    });
  }

  handlerEnd(host: string, handler: TaskRef, result: TaskResult, durationMs: number): void {
    this.taskEnd(host, handler, result, durationMs);
  }

  taskDone(): void {}

  handlersStart(): void {}

  hostUnreachable(host: string, task: TaskRef, reason: string): void {
    this.emit({
      event: 'unreachable',
      playbook: task.playbook,
      play: task.play,
      task: task.name,
      host,
      status: 'unreachable',
      msg: reason,
    });
  }

  playEnd(): void {}

  log(host: string, task: TaskRef, line: string): void {
    if (this.verbose > 0) this.emit({ event: 'log', play: task.play, task: task.name, host, msg: line });
  }

  warning(message: string): void {
    this.emit({ event: 'warning', msg: message });
  }

  recap(recap: Recap): void {
    const hosts = Object.fromEntries(
      Object.entries(recap.hosts).map(([name, s]) => [
        name,
        { ok: s.ok, changed: s.changed, failed: s.failed, skipped: s.skipped, unreachable: s.unreachable },
      ]),
    );
    this.emit({ recap: hosts, durationMs: recap.durationMs });
  }

  async close(): Promise<void> {}
}
