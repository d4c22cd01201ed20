/**
 * How the engine reaches a host. One interface, three implementations: local (execa), ssh (ssh2),
 * docker (dockerode exec). Modules only ever talk to a host through this.
 */

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string | Buffer;
  /** Kill the command after this many ms; the result then has timedOut=true. */
  timeoutMs?: number;
  /** Run through sudo (ansible_become). */
  become?: boolean;
  /** Streamed output, for `-v` and for following logs. */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
}

export interface ExecResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
  /** Permission bits only (e.g. 0o644). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
}

export interface WriteOptions {
  mode?: number;
  become?: boolean;
}

export interface Transport {
  /** Inventory name of the host this transport reaches. */
  readonly hostName: string;
  readonly kind: 'local' | 'ssh' | 'docker';
  /** Opens (or reuses) the connection. Throws UnreachableError when the host cannot be reached. */
  connect(): Promise<void>;
  /** Runs a shell command line (`sh -c`). A non-zero exit is a result, not an exception. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** File content, or undefined when the file does not exist. */
  readFile(path: string): Promise<Buffer | undefined>;
  /** Writes atomically (temp file + rename) and creates parent directories. */
  writeFile(path: string, data: string | Buffer, options?: WriteOptions): Promise<void>;
  /** Stat without following a final symlink; undefined when missing. */
  stat(path: string): Promise<FileStat | undefined>;
  /** Releases the pooled connection. */
  close(): Promise<void>;
}

/** The host could not be reached at all (as opposed to a task failing on it). */
export class UnreachableError extends Error {
  constructor(
    readonly hostName: string,
    readonly reason: string,
  ) {
    super(`host ${hostName} is unreachable: ${reason}`);
    this.name = 'UnreachableError';
  }
}
