/**
 * Runs a command inside a running container through the engine's exec API, with stdin, demuxed
 * binary-safe stdout/stderr and a timeout. Shared by the docker transport and the invoker.
 */
import { Writable } from 'node:stream';
import type Dockerode from 'dockerode';

export interface ContainerExecOptions {
  /** argv; use ['sh', '-c', line] for shell lines. */
  cmd: string[];
  user?: string;
  workingDir?: string;
  env?: Record<string, string>;
  stdin?: Buffer;
  timeoutMs?: number;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export interface ContainerExecResult {
  exitCode: number;
  timedOut: boolean;
}

/** Exit code reported when the exec had to be abandoned (as for SIGKILL). */
const KILLED = 137;

export async function execInContainer(
  docker: Dockerode,
  containerName: string,
  opts: ContainerExecOptions,
): Promise<ContainerExecResult> {
  const exec = await docker.getContainer(containerName).exec({
    Cmd: opts.cmd,
    User: opts.user,
    WorkingDir: opts.workingDir,
    Env: opts.env ? Object.entries(opts.env).map(([k, v]) => `${k}=${v}`) : undefined,
    AttachStdin: opts.stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: opts.stdin !== undefined });
  let timedOut = false;
  await new Promise<void>((resolve, reject) => {
    const sink = (fn?: (chunk: Buffer) => void) =>
      new Writable({
        write(chunk: Buffer, _enc, done) {
          fn?.(chunk);
          done();
        },
      });
    docker.modem.demuxStream(stream, sink(opts.onStdout), sink(opts.onStderr));
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stream.destroy();
          }, opts.timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      resolve();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', (err) => (timedOut ? finish() : reject(err)));
    if (opts.stdin !== undefined) stream.end(opts.stdin);
  });
  if (timedOut) return { exitCode: KILLED, timedOut };
  // The output stream can end a moment before the engine records the exit code.
  for (let attempt = 0; ; attempt++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return { exitCode: info.ExitCode, timedOut };
    if (attempt >= 40) return { exitCode: KILLED, timedOut };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
