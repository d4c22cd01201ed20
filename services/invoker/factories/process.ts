/**
 * Process container factory: each container is one action proxy process (`node proxy.mjs`,
 * `python3 -u proxy.py`) listening on a free 127.0.0.1 port, sandboxed with bubblewrap when
 * available. Suspend/resume are no-ops; a killed process group is the container's destruction.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Container, ContainerFactory, ContainerOptions, ProxyResponse } from '../factory.ts';
import { LogCollector } from '../logs.ts';
import { freeLoopbackPort, ProxyHttp, type ProxyTarget } from './proxy-http.ts';
import { bwrapArgs, probeBwrap, resolveInterpreter, SANDBOX_HOME, sandboxedProxyPath } from './sandbox.ts';

export interface ProcessFactoryOptions {
  /** Parent of each container's private HOME. */
  stateDir: string;
  sandbox: 'auto' | 'bwrap' | 'none';
  logger: Logger;
}

/** Exit code of a proxy that could not bind its port (another process took it): retry another. */
const EXIT_PORT_IN_USE = 3;
const START_ATTEMPTS = 3;
const START_TIMEOUT_MS = 15_000;

export function createProcessFactory(options: ProcessFactoryOptions): ContainerFactory {
  mkdirSync(options.stateDir, { recursive: true });
  let bwrap: Promise<string | undefined> | undefined;

  /** The bwrap binary to use, or undefined to run unsandboxed (decided once per factory). */
  const sandboxBinary = (): Promise<string | undefined> => {
    if (options.sandbox === 'none') return Promise.resolve(undefined);
    bwrap ??= probeBwrap(options.stateDir).then(({ bwrap: path, reason }) => {
      if (path) return path;
      if (options.sandbox === 'bwrap') {
        throw new Error(
          `The invoker's sandbox is set to 'bwrap' but ${reason}. Fix bubblewrap or set "sandbox": "auto" or "none".`,
        );
      }
      options.logger.warn({ reason }, 'running actions without a sandbox: bubblewrap is not usable');
      return undefined;
    });
    return bwrap;
  };

  return {
    async create(opts: ContainerOptions): Promise<Container> {
      const command = opts.kind.process;
      if (!command) {
        throw new Error(
          `Runtime kind '${opts.kind.kind}' has no action proxy for the process container factory; ` +
            'use "containerFactory": "docker" for it.',
        );
      }
      const [interpreter, sandbox] = await Promise.all([
        resolveInterpreter(command.interpreter),
        sandboxBinary(),
      ]);
      const homeDir = join(options.stateDir, opts.name);
      const args = [...command.args, ...(command.memoryArgs?.(opts.memoryMB) ?? [])];
      const argv = sandbox
        ? [
            sandbox,
            ...bwrapArgs({ interpreter, proxyFile: command.proxy, homeDir }),
            interpreter.path,
            ...args,
            sandboxedProxyPath(command.proxy),
          ]
        : [interpreter.path, ...args, command.proxy];
      for (let attempt = 1; ; attempt++) {
        // Each attempt starts from an empty private HOME (a failed start removes it).
        mkdirSync(homeDir, { recursive: true });
        const port = await freeLoopbackPort();
        const env = {
          PATH: '/usr/local/bin:/usr/bin:/bin',
          LANG: 'C.UTF-8',
          HOME: sandbox ? SANDBOX_HOME : homeDir,
          PYTHONDONTWRITEBYTECODE: '1',
          ...opts.env,
          __OW_PROXY_HOST: '127.0.0.1',
          __OW_PROXY_PORT: String(port),
          __OW_EXIT_WITH_STDIN: '1',
        };
        try {
          return await ProcessContainer.start(opts.name, argv, env, port, homeDir);
        } catch (err) {
          if (!(err instanceof PortInUseError) || attempt >= START_ATTEMPTS) {
            rmSync(homeDir, { recursive: true, force: true });
            throw err;
          }
        }
      }
    },
    async close(): Promise<void> {},
  };
}

class PortInUseError extends Error {}

class ProcessContainer implements Container, ProxyTarget {
  private readonly collector = new LogCollector();
  private readonly http: ProxyHttp;
  readonly exited: Promise<void>;
  private detail = '';
  private stderrTail = '';
  alive = true;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    port: number,
    private readonly homeDir: string,
  ) {
    this.http = new ProxyHttp(`http://127.0.0.1:${port}`, this);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.collector.push('stdout', chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.collector.push('stderr', chunk);
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.alive = false;
        this.detail = signal ? `killed by ${signal}` : `exit code ${code}`;
        resolve();
      });
      child.on('error', (err) => {
        this.alive = false;
        this.detail = err.message;
        resolve();
      });
    });
    child.on('close', () => this.collector.end());
  }

  static async start(
    name: string,
    argv: string[],
    env: Record<string, string>,
    port: number,
    homeDir: string,
  ): Promise<ProcessContainer> {
    const [cmd, ...args] = argv as [string, ...string[]];
    // detached: its own process group, so a timeout kills the proxy and everything it spawned.
    // stdin: a pipe the proxy watches, so it exits with the invoker even when the invoker is killed.
    const child = spawn(cmd, args, { cwd: homeDir, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const container = new ProcessContainer(name, child, port, homeDir);
    try {
      await container.http.ready(START_TIMEOUT_MS, () => container.stderrTail.trim() || 'no output');
      return container;
    } catch (err) {
      await container.destroy();
      if (child.exitCode === EXIT_PORT_IN_USE) throw new PortInUseError(String(err));
      throw err;
    }
  }

  exitDetail(): string {
    return this.detail;
  }

  init(payload: unknown, timeoutMs: number): Promise<ProxyResponse> {
    return this.http.post('/init', payload, timeoutMs);
  }

  run(payload: unknown, timeoutMs: number): Promise<ProxyResponse> {
    return this.http.post('/run', payload, timeoutMs);
  }

  logs(opts: { limitBytes: number; waitForSentinel: boolean }): Promise<string[]> {
    return this.collector.take(opts);
  }

  async suspend(): Promise<void> {}

  async resume(): Promise<void> {}

  kill(): void {
    if (!this.alive || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  async destroy(): Promise<void> {
    this.kill();
    await this.exited;
    await this.http.close();
    rmSync(this.homeDir, { recursive: true, force: true });
  }
}
