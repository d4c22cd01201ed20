/**
 * The controllers behind the gateway: one keep-alive undici Pool each, a health check
 * (`GET /ping`) every second, and round-robin selection over the healthy ones.
 */
import { Pool } from 'undici';
import type { Logger } from '../common/log.ts';

export class Controller {
  readonly pool: Pool;
  /** Path prefix of the base URL (usually empty), prepended to every proxied path. */
  readonly prefix: string;
  healthy = false;
  /** Answered a health check at least once since the gateway started. */
  seen = false;

  constructor(readonly url: string) {
    const parsed = new URL(url);
    this.pool = new Pool(parsed.origin, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
    this.prefix = parsed.pathname.replace(/\/+$/, '');
  }
}

export class ControllerSet {
  readonly all: Controller[];
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    urls: string[],
    private readonly log: Logger,
    private readonly intervalMs = 1000,
  ) {
    this.all = urls.map((u) => new Controller(u));
  }

  /** The next healthy controller not in `tried`, round-robin; undefined when none is left. */
  next(tried: ReadonlySet<Controller> = new Set()): Controller | undefined {
    const n = this.all.length;
    for (let i = 0; i < n; i++) {
      const c = this.all[(this.cursor + i) % n]!;
      if (c.healthy && !tried.has(c)) {
        this.cursor = (this.cursor + i + 1) % n;
        return c;
      }
    }
    return undefined;
  }

  /** A failed proxied request takes a controller out until its next successful ping. */
  markDown(c: Controller, reason: string): void {
    if (c.healthy) this.log.warn({ controller: c.url, reason }, 'controller marked unhealthy');
    c.healthy = false;
  }

  async checkAll(): Promise<void> {
    await Promise.all(this.all.map((c) => this.check(c)));
  }

  /** Runs a first round of checks, then one every interval. */
  async start(): Promise<void> {
    await this.checkAll();
    const tick = () => {
      if (this.closed) return;
      this.timer = setTimeout(() => void this.checkAll().finally(tick), this.intervalMs);
      this.timer.unref();
    };
    tick();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all(this.all.map((c) => c.pool.close().catch(() => c.pool.destroy())));
  }

  private async check(c: Controller): Promise<void> {
    let reason: string | undefined;
    try {
      const res = await c.pool.request({
        path: `${c.prefix}/ping`,
        method: 'GET',
        headersTimeout: this.intervalMs,
        bodyTimeout: this.intervalMs,
      });
      await res.body.dump();
      if (res.statusCode !== 200) reason = `GET /ping answered ${res.statusCode}`;
    } catch (err) {
      reason = `GET /ping failed: ${(err as Error).message}`;
    }
    if (reason === undefined) {
      if (!c.healthy) this.log.info({ controller: c.url }, 'controller healthy');
      c.healthy = true;
      c.seen = true;
    } else {
      this.markDown(c, reason);
    }
  }
}
