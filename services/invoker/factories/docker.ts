/**
 * Docker container factory (OpenWhisk's DockerContainerFactory): each container is a docker
 * container of the kind's runtime image ({prefix}/{image name}:{tag}, or a blackbox action's own
 * image), named wsk<invoker>_<n>_<kind> and labelled with the invoker, with the action's memory
 * as its memory limit (no swap) and a pids limit. Logs come from the attached stdout/stderr,
 * cut at the proxy's sentinel; idle containers are paused and unpaused; a timeout kills the
 * container. On start the factory removes the containers a previous run of the same invoker left.
 *
 * Networking: "host" gives each container its own 127.0.0.1 port through __OW_PROXY_PORT (for a
 * single machine and tests; images must honour __OW_PROXY_PORT); any other mode ("bridge", a
 * network name) reaches the proxy on the container's address, port 8080, as upstream does.
 */
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import type { Logger } from 'pino';
import { imageName } from '../../runtimes/manifest.ts';
import type { Container, ContainerFactory, ContainerOptions, ProxyResponse } from '../factory.ts';
import { LogCollector } from '../logs.ts';
import { freeLoopbackPort, ProxyHttp, type ProxyTarget } from './proxy-http.ts';

/** Label naming the invoker that owns an action container. */
export const INVOKER_LABEL = 'owctl.invoker';
const KIND_LABEL = 'owctl.kind';
const PROXY_PORT = 8080;
const START_TIMEOUT_MS = 15_000;
const MB = 1024 * 1024;

export interface DockerFactoryOptions {
  docker: Dockerode;
  /** The engine's address, for messages. */
  engine: string;
  invokerId: string;
  /** Runtime images are {registry/}{prefix}/{runtimes.json image name}:{tag}. */
  imagePrefix: string;
  imageTag: string;
  registry?: string;
  /** "host" (tests, one machine), "bridge" (default upstream) or a network name. */
  network: string;
  pidsLimit: number;
  /** Who the proxy runs as inside the container (default: the image's user). */
  user?: string;
  logger: Logger;
}

export async function createDockerFactory(options: DockerFactoryOptions): Promise<ContainerFactory> {
  const { docker, logger } = options;
  const prefix = `wsk${options.invokerId.replace(/[^A-Za-z0-9_.-]/g, '_')}_`;
  let seq = 0;
  const images = new Map<string, Promise<void>>();

  const removeLeftovers = async (): Promise<number> => {
    const leftovers = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${INVOKER_LABEL}=${options.invokerId}`] }),
    });
    await Promise.all(
      leftovers.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch((err: Error) => logger.warn({ container: c.Names[0], err: err.message }, 'cannot remove')),
      ),
    );
    return leftovers.length;
  };

  /** Makes sure the image is on the engine once per factory: runtime images are built, others pulled. */
  const ensureImage = (image: string, pullable: boolean): Promise<void> => {
    let present = images.get(image);
    if (!present) {
      present = (async () => {
        try {
          await docker.getImage(image).inspect();
          return;
        } catch (err) {
          if ((err as { statusCode?: number }).statusCode !== 404) throw err;
        }
        if (!pullable) {
          throw new Error(
            `image ${image} is not on the docker engine at ${options.engine}; build it with \`owctl images build\``,
          );
        }
        logger.info({ image }, 'pulling image');
        try {
          const stream = await docker.pull(image);
          await new Promise<void>((resolve, reject) =>
            docker.modem.followProgress(stream, (e: Error | null) => (e ? reject(e) : resolve())),
          );
        } catch (err) {
          throw new Error(
            `image ${image} is not on the docker engine at ${options.engine} and cannot be pulled: ${(err as Error).message}`,
          );
        }
      })();
      images.set(image, present);
      present.catch(() => images.delete(image));
    }
    return present;
  };

  const removed = await removeLeftovers();
  if (removed) logger.info({ removed }, 'removed action containers left by a previous run');

  return {
    async create(opts: ContainerOptions): Promise<Container> {
      // Blackbox actions name their own image (pulled when missing); runtimes use the platform's.
      const blackbox = opts.image !== undefined || opts.kind.family === 'blackbox';
      const image =
        opts.image ??
        (blackbox
          ? imageName(opts.kind.image)
          : `${options.registry ? `${options.registry}/` : ''}${options.imagePrefix}/${opts.kind.image.name}:${options.imageTag}`);
      await ensureImage(image, blackbox || options.registry !== undefined);
      const name = `${prefix}${++seq}_${opts.kind.kind.replace(/[^A-Za-z0-9]/g, '_')}`;
      const host = options.network === 'host';
      const port = host ? await freeLoopbackPort() : PROXY_PORT;
      const env = {
        ...opts.env,
        ...(host ? { __OW_PROXY_HOST: '127.0.0.1', __OW_PROXY_PORT: String(port) } : {}),
      };
      const created = await docker.createContainer({
        name,
        Image: image,
        Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        Labels: { [INVOKER_LABEL]: options.invokerId, [KIND_LABEL]: opts.kind.kind },
        User: options.user,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        HostConfig: {
          NetworkMode: options.network,
          Memory: opts.memoryMB * MB,
          MemorySwap: opts.memoryMB * MB,
          PidsLimit: options.pidsLimit,
          LogConfig: { Type: 'none', Config: {} },
        },
      });
      const container = new DockerContainer(name, created, docker);
      try {
        await container.start(host ? '127.0.0.1' : undefined, port, options.network);
        return container;
      } catch (err) {
        await container.destroy();
        throw err;
      }
    },
    async close(): Promise<void> {
      await removeLeftovers();
    },
  };
}

class DockerContainer implements Container, ProxyTarget {
  private readonly collector = new LogCollector();
  private http: ProxyHttp | undefined;
  private stderrTail = '';
  private detail = 'running';
  private markExited: () => void = () => {};
  readonly exited = new Promise<void>((resolve) => {
    this.markExited = resolve;
  });
  alive = true;
  private killing: Promise<unknown> | undefined;

  constructor(
    readonly name: string,
    private readonly container: Dockerode.Container,
    private readonly docker: Dockerode,
  ) {}

  /** Attaches to the output (before start, so no line is lost), starts, waits for the proxy. */
  async start(address: string | undefined, port: number, network: string): Promise<void> {
    const stream = (await this.container.attach({
      stream: true,
      stdout: true,
      stderr: true,
    })) as NodeJS.ReadableStream;
    const out = new PassThrough();
    const err = new PassThrough();
    out.setEncoding('utf8').on('data', (chunk: string) => this.collector.push('stdout', chunk));
    err.setEncoding('utf8').on('data', (chunk: string) => {
      this.collector.push('stderr', chunk);
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    this.docker.modem.demuxStream(stream, out, err);
    // The attached stream ends when the container stops: that is its exit.
    const ended = () => void this.onExit();
    stream.on('end', ended);
    stream.on('close', ended);
    stream.on('error', ended);
    await this.container.start();
    let host = address;
    if (!host) {
      const info = await this.container.inspect();
      const networks = info.NetworkSettings.Networks;
      host = (networks[network] ?? Object.values(networks)[0])?.IPAddress;
      if (!host) throw new Error(`container ${this.name} has no address on network ${network}`);
    }
    this.http = new ProxyHttp(`http://${host}:${port}`, this);
    await this.http.ready(START_TIMEOUT_MS, () => this.stderrTail.trim() || 'no output');
  }

  private async onExit(): Promise<void> {
    if (!this.alive) return;
    this.alive = false;
    this.collector.end();
    const info = await this.container.inspect().catch(() => undefined);
    const state = info?.State;
    this.detail = state?.OOMKilled
      ? 'killed for exceeding its memory limit'
      : state
        ? `exit code ${state.ExitCode}`
        : 'removed';
    this.markExited();
  }

  exitDetail(): string {
    return this.detail;
  }

  init(payload: unknown, timeoutMs: number): Promise<ProxyResponse> {
    return this.proxy().post('/init', payload, timeoutMs);
  }

  run(payload: unknown, timeoutMs: number): Promise<ProxyResponse> {
    return this.proxy().post('/run', payload, timeoutMs);
  }

  private proxy(): ProxyHttp {
    if (!this.http) throw new Error(`container ${this.name} was not started`);
    return this.http;
  }

  logs(opts: { limitBytes: number; waitForSentinel: boolean }): Promise<string[]> {
    return this.collector.take(opts);
  }

  async suspend(): Promise<void> {
    await this.container.pause();
  }

  async resume(): Promise<void> {
    await this.container.unpause();
  }

  kill(): void {
    if (!this.alive) return;
    this.killing ??= this.container.kill({ signal: 'SIGKILL' }).catch(() => this.onExit());
  }

  async destroy(): Promise<void> {
    await this.http?.close();
    await this.container.remove({ force: true }).catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 404 && err.statusCode !== 409) throw err;
    });
    await this.onExit();
  }
}
