/**
 * Container factories: what the ContainerPool needs from a "container" running an action proxy.
 * The process factory (factories/process.ts) runs proxies as local (sandboxed) processes; a docker
 * factory implements the same interface with the runtimes.json images.
 */
import type { RuntimeKind } from '../runtimes/manifest.ts';

export interface ContainerOptions {
  /** Resolved runtime kind (from the runtimes manifest). */
  kind: RuntimeKind;
  /** Blackbox image, for kinds that name one. */
  image?: string;
  memoryMB: number;
  /** Environment of the whole container (e.g. __OW_API_HOST). */
  env: Record<string, string>;
  /** Unique, for logs and scratch dirs, e.g. wsk_invoker0_12_nodejs_20. */
  name: string;
}

/** The proxy's HTTP answer to /init or /run. `body` is the parsed JSON, or the raw text if not JSON. */
export interface ProxyResponse {
  status: number;
  body: unknown;
  /** Size of the raw body in bytes (results are limited to 1 MB). */
  bytes: number;
}

export interface Container {
  readonly name: string;
  /** POST /init. Throws ContainerTimeoutError / ContainerExitedError. */
  init(payload: unknown, timeoutMs: number): Promise<ProxyResponse>;
  /** POST /run. Throws ContainerTimeoutError / ContainerExitedError. */
  run(payload: unknown, timeoutMs: number): Promise<ProxyResponse>;
  /**
   * The log lines (`<ISO time> stdout: msg`) written since the previous call, up to the sentinel on
   * both streams. With waitForSentinel false (timeout, crash) it returns what arrived so far.
   */
  logs(opts: { limitBytes: number; waitForSentinel: boolean }): Promise<string[]>;
  /** Pause an idle container (docker pause); no-op where pausing is not possible. */
  suspend(): Promise<void>;
  resume(): Promise<void>;
  destroy(): Promise<void>;
  /** Whether the container is still alive (a crashed proxy is never reused). */
  readonly alive: boolean;
}

export interface ContainerFactory {
  create(opts: ContainerOptions): Promise<Container>;
  /** Releases factory-wide resources (e.g. remove leftover scratch dirs). */
  close(): Promise<void>;
}

/** The action ran past its time limit; the container has been killed. */
export class ContainerTimeoutError extends Error {
  constructor(
    readonly container: string,
    readonly timeoutMs: number,
  ) {
    super(`container ${container} did not answer within ${timeoutMs} ms and was killed`);
  }
}

/** The proxy exited or dropped the connection before answering. */
export class ContainerExitedError extends Error {
  constructor(
    readonly container: string,
    detail: string,
  ) {
    super(`container ${container} exited unexpectedly: ${detail}`);
  }
}
