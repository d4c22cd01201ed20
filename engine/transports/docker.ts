/**
 * A running container as a host (ansible_connection: docker, ansible_host = container name).
 * Commands and files go through the engine's exec API, so the image needs only sh, cat, mkdir,
 * mv, chmod and stat (busybox is enough). Become means exec as root; ansible_user picks the user.
 */
import type Dockerode from 'dockerode';
import { execInContainer } from '../docker/exec.ts';
import { OutputCollector } from './collect.ts';
import {
  MISSING_EXIT,
  parseStatLine,
  quote,
  readScript,
  scriptFor,
  statScript,
  TIMEOUT_GRACE_MS,
  writeFromStdinScript,
} from './shell.ts';
import type { ExecOptions, ExecResult, FileStat, Transport, WriteOptions } from './transport.ts';
import { UnreachableError } from './transport.ts';

export interface DockerTransportOptions {
  /** Container name or id. */
  container: string;
  /** Exec user (ansible_user); default: the image's user. */
  user?: string;
  /** Default for become (ansible_become). */
  become?: boolean;
}

export class DockerTransport implements Transport {
  readonly kind = 'docker' as const;

  constructor(
    readonly hostName: string,
    /** The engine the container runs on; resolved on first use. */
    private readonly engine: () => Promise<Dockerode>,
    private readonly options: DockerTransportOptions,
  ) {}

  async connect(): Promise<void> {
    let info: Dockerode.ContainerInspectInfo;
    try {
      info = await (await this.engine()).getContainer(this.options.container).inspect();
    } catch (err) {
      throw new UnreachableError(this.hostName, this.engineProblem(err));
    }
    if (!info.State.Running) {
      throw new UnreachableError(
        this.hostName,
        `container ${this.options.container} is ${info.State.Status}, not running; start it (docker start ${this.options.container})`,
      );
    }
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { output, exitCode, timedOut } = await this.run(scriptFor(command, options), options);
    return output.result(command, exitCode, timedOut, options.timeoutMs);
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    const { output, exitCode } = await this.run(readScript(path), {});
    if (exitCode === MISSING_EXIT) return undefined;
    if (exitCode !== 0) throw this.fileError('read', path, output);
    return output.stdoutBytes();
  }

  async writeFile(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
    const { output, exitCode } = await this.run(writeFromStdinScript(path, options.mode), {
      become: options.become,
      stdin: Buffer.from(data),
    });
    if (exitCode !== 0) throw this.fileError('write', path, output);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const { output, exitCode } = await this.run(statScript(path), {});
    if (exitCode === MISSING_EXIT) return undefined;
    if (exitCode !== 0) throw this.fileError('stat', path, output);
    return parseStatLine(output.stdoutBytes().toString('utf8'));
  }

  async close(): Promise<void> {}

  private async run(script: string, options: ExecOptions) {
    const output = new OutputCollector(options);
    const become = options.become ?? this.options.become ?? false;
    try {
      const res = await execInContainer(await this.engine(), this.options.container, {
        cmd: ['sh', '-c', script],
        user: become ? 'root' : this.options.user,
        stdin: options.stdin === undefined ? undefined : Buffer.from(options.stdin),
        timeoutMs: options.timeoutMs === undefined ? undefined : options.timeoutMs + TIMEOUT_GRACE_MS,
        onStdout: output.stdout,
        onStderr: output.stderr,
      });
      return { output, ...res };
    } catch (err) {
      throw new UnreachableError(this.hostName, this.engineProblem(err));
    }
  }

  private engineProblem(err: unknown): string {
    const e = err as { statusCode?: number; code?: string; message?: string };
    const name = this.options.container;
    if (e.statusCode === 404) return `container ${name} does not exist; create it or fix ansible_host`;
    if (e.statusCode === 409)
      return `container ${name} is not running; start it (docker start ${quote(name)})`;
    if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES') {
      return `cannot reach the docker engine (${e.code}: ${e.message}); is dockerd running, and is DOCKER_HOST or docker.host right?`;
    }
    return `docker exec into ${name} failed: ${e.message ?? String(err)}`;
  }

  private fileError(op: string, path: string, output: OutputCollector): Error {
    const stderr = output.stderrText().trim();
    return new Error(
      `cannot ${op} ${path} in container ${this.options.container} (host ${this.hostName}): ${stderr}`,
    );
  }
}
