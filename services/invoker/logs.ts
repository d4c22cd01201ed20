/**
 * Cuts a container's stdout/stderr into per-activation log lines, as OpenWhisk's log store does:
 * each line is timestamped on arrival (`<ISO time> stdout: msg`), an activation's logs end at the
 * sentinel the proxy writes to both streams, and lines past the action's log limit are replaced by
 * OpenWhisk's truncation message.
 */
export const ACTIVATION_SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';

export type LogStream = 'stdout' | 'stderr';

interface LogLine {
  stream: LogStream;
  time: string;
  msg: string;
  bytes: number;
}

/** Bytes held per activation before lines are dropped regardless of the limit (10 MB max + slack). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export function truncationMessage(limitBytes: number): string {
  return `Logs were truncated because the total bytes size exceeds the limit of ${limitBytes} bytes.`;
}

export class LogCollector {
  private current: LogLine[] = [];
  private currentBytes = 0;
  /** Lines of a stream that already delivered its sentinel belong to the next activation. */
  private next: LogLine[] = [];
  private overflow = false;
  private seen: Record<LogStream, boolean> = { stdout: false, stderr: false };
  private partial: Record<LogStream, string> = { stdout: '', stderr: '' };
  private closed = false;
  private waiters: (() => void)[] = [];

  /** Feed a chunk read from a stream. */
  push(stream: LogStream, chunk: string): void {
    const text = this.partial[stream] + chunk;
    const lines = text.split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.line(stream, line);
  }

  /** The streams ended (process exit): flush partial lines and release waiters. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.line(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
    this.closed = true;
    this.wake();
  }

  /** Lines of the finished activation; waits (at most graceMs) for both sentinels when asked to. */
  async take(opts: { limitBytes: number; waitForSentinel: boolean; graceMs?: number }): Promise<string[]> {
    if (opts.waitForSentinel && !this.complete()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.graceMs ?? 2000);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const lines = this.current;
    const overflow = this.overflow;
    this.current = this.next;
    this.currentBytes = this.next.reduce((n, l) => n + l.bytes, 0);
    this.next = [];
    this.overflow = false;
    this.seen = { stdout: false, stderr: false };
    return format(lines, opts.limitBytes, overflow);
  }

  private complete(): boolean {
    return this.closed || (this.seen.stdout && this.seen.stderr);
  }

  private line(stream: LogStream, text: string): void {
    // An action's last write may lack its newline; the sentinel then ends that line.
    const msg = text.endsWith(ACTIVATION_SENTINEL) ? text.slice(0, -ACTIVATION_SENTINEL.length) : text;
    if (msg !== text) {
      if (msg) this.line(stream, msg);
      this.seen[stream] = true;
      if (this.complete()) this.wake();
      return;
    }
    // Counted with its newline, as OpenWhisk weighs docker's log lines.
    const entry = { stream, time: new Date().toISOString(), msg, bytes: Buffer.byteLength(msg) + 1 };
    if (this.seen[stream]) {
      this.next.push(entry);
      return;
    }
    if (this.currentBytes + entry.bytes > MAX_BUFFERED_BYTES) {
      this.overflow = true;
      return;
    }
    this.currentBytes += entry.bytes;
    this.current.push(entry);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

function format(lines: LogLine[], limitBytes: number, overflow: boolean): string[] {
  const out: string[] = [];
  let bytes = 0;
  for (const l of lines) {
    if (bytes + l.bytes > limitBytes) {
      overflow = true;
      break;
    }
    bytes += l.bytes;
    out.push(`${l.time} ${l.stream}: ${l.msg}`);
  }
  if (overflow) out.push(`${new Date().toISOString()} stderr: ${truncationMessage(limitBytes)}`);
  return out;
}
