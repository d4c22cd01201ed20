/** Where a reporter writes: stdout by default, a buffer in tests. */
export interface Sink {
  write(text: string): void;
}

export const stdoutSink: Sink = { write: (text) => void process.stdout.write(text) };
export const stderrSink: Sink = { write: (text) => void process.stderr.write(text) };
