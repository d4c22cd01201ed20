/**
 * Talking to an action proxy over HTTP, shared by the container factories: one keep-alive
 * connection per container, a readiness probe, and /init or /run with a deadline that kills the
 * container when it passes. A container is never reused after a failed request.
 */
import { createServer } from 'node:net';
import { Pool } from 'undici';
import { ContainerExitedError, ContainerTimeoutError, type ProxyResponse } from '../factory.ts';

/** What the HTTP side needs to know about the container behind it. */
export interface ProxyTarget {
  readonly name: string;
  readonly alive: boolean;
  /** Resolves once the container has stopped (killed, crashed or exited). */
  readonly exited: Promise<void>;
  /** Why it stopped, e.g. "exit code 1" or "killed by SIGKILL". */
  exitDetail(): string;
  /** Kills it now (the deadline passed or the connection broke). */
  kill(): void;
}

export class ProxyHttp {
  private readonly pool: Pool;

  constructor(
    origin: string,
    private readonly target: ProxyTarget,
  ) {
    this.pool = new Pool(origin, {
      connections: 1,
      keepAliveTimeout: 600_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /**
   * Polls until the proxy answers HTTP (any answer: the protocol has no GET route; asking over the
   * pool also warms the connection for /init), failing fast when the container stops.
   */
  async ready(timeoutMs: number, describe: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 20)) {
      if (!this.target.alive) {
        throw new Error(
          `The action proxy of container ${this.target.name} exited while starting (${this.target.exitDetail()}): ${describe()}`,
        );
      }
      if (await this.answers()) return;
      if (Date.now() > deadline) {
        throw new Error(
          `The action proxy of container ${this.target.name} did not answer within ${timeoutMs} ms: ${describe()}`,
        );
      }
      await Promise.race([sleep(delay), this.target.exited]);
    }
  }

  private async answers(): Promise<boolean> {
    try {
      const res = await this.pool.request({ path: '/', method: 'GET' });
      await res.body.dump();
      return true;
    } catch {
      return false;
    }
  }

  /** POST /init or /run; past the deadline the container is killed and ContainerTimeoutError thrown. */
  async post(path: string, payload: unknown, timeoutMs: number): Promise<ProxyResponse> {
    const target = this.target;
    if (!target.alive) throw new ContainerExitedError(target.name, target.exitDetail());
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      target.kill();
      abort.abort();
    }, timeoutMs);
    try {
      const res = await this.pool.request({
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: abort.signal,
      });
      const text = await res.body.text();
      return { status: res.statusCode, body: parseJson(text), bytes: Buffer.byteLength(text) };
    } catch (err) {
      // Timed out (killed above) or the connection broke (the proxy died or is about to): never reuse it.
      target.kill();
      await target.exited;
      if (timedOut) throw new ContainerTimeoutError(target.name, timeoutMs);
      throw new ContainerExitedError(target.name, `${target.exitDetail()} (${(err as Error).message})`);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy().catch(() => {});
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A port free on 127.0.0.1 right now (a proxy that loses the race exits and is retried). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
