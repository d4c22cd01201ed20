/** The controller itself (ansible_connection: local): commands through execa, files through node:fs. */
import { chmod, lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { OutputCollector, signalExitCode } from './collect.ts';
import { fileStatOf } from './file-stat.ts';
import {
  commandLine,
  parentDir,
  scriptFor,
  stagingPath,
  TIMEOUT_GRACE_MS,
  writeFromStdinScript,
} from './shell.ts';
import type { ExecOptions, ExecResult, FileStat, Transport, WriteOptions } from './transport.ts';

export interface LocalTransportOptions {
  /** Default for ExecOptions.become / WriteOptions.become (ansible_become). */
  become?: boolean;
}

export class LocalTransport implements Transport {
  readonly kind = 'local' as const;
  private readonly become: boolean;

  constructor(
    readonly hostName: string,
    options: LocalTransportOptions = {},
  ) {
    this.become = options.become ?? false;
  }

  async connect(): Promise<void> {}

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const script = scriptFor(command, options);
    const sudo = this.needsSudo(options.become);
    const [file, args] = sudo ? ['sudo', ['-n', '--', 'sh', '-c', script]] : ['sh', ['-c', script]];
    const output = new OutputCollector(options);
    // Imported on first use: execa's module tree costs ~100 ms of startup even when no host is local.
    const { execa } = await import('execa');
    const child = execa(file, args, {
      input: options.stdin,
      reject: false,
      buffer: false,
      stripFinalNewline: false,
      timeout: options.timeoutMs === undefined ? undefined : options.timeoutMs + TIMEOUT_GRACE_MS,
      forceKillAfterDelay: 2000,
    });
    child.stdout?.on('data', output.stdout);
    child.stderr?.on('data', output.stderr);
    const done = await child;
    const exitCode = done.exitCode ?? signalExitCode(done.signal);
    if (done.failed && done.exitCode === undefined && !done.signal && !done.timedOut) {
      throw new Error(`local command could not start on ${this.hostName}: ${done.shortMessage}`);
    }
    return output.result(
      sudo ? commandLine(script, true) : command,
      exitCode,
      done.timedOut,
      options.timeoutMs,
    );
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    try {
      return await readFile(path);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw fileError('read', path, err);
    }
  }

  async writeFile(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
    if (this.needsSudo(options.become)) {
      const res = await this.exec(writeFromStdinScript(path, options.mode), {
        become: true,
        stdin: Buffer.from(data),
      });
      if (res.exitCode !== 0) throw new Error(`cannot write ${path} with sudo: ${res.stderr.trim()}`);
      return;
    }
    const tmp = stagingPath(path);
    try {
      await mkdir(parentDir(path), { recursive: true });
      const mode = options.mode ?? (await this.stat(path))?.mode ?? 0o644;
      await writeFile(tmp, data);
      // chmod after writing: the mode given at create time is filtered by the umask.
      await chmod(tmp, mode);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw fileError('write', path, err);
    }
  }

  async stat(path: string): Promise<FileStat | undefined> {
    try {
      const st = await lstat(path);
      return fileStatOf(st, st.mtimeMs);
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
      throw fileError('stat', path, err);
    }
  }

  async close(): Promise<void> {}

  /** sudo only when asked to become and not already root. */
  private needsSudo(become: boolean | undefined): boolean {
    return (become ?? this.become) && process.getuid?.() !== 0;
  }
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

function fileError(op: string, path: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  const hint = isErrno(err, 'EACCES') || isErrno(err, 'EPERM') ? ' (set become: true to use sudo)' : '';
  return new Error(`cannot ${op} ${path} on the local host: ${reason}${hint}`, { cause: err });
}
