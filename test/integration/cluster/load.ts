/**
 * Steady invoke load through the gateway: `rate` blocking invocations a second, each one's outcome
 * recorded. A connection the gateway refused (nothing was sent: the gateway itself restarting) is
 * tried again shortly, as any client or edge balancer does; every other error, and any answer but
 * 200 with the expected result, is a failed request. One connection per request: a keep-alive
 * connection the gateway closes as it stops could not tell "refused" from "lost".
 */
import { Agent, request } from 'undici';

export interface LoadTarget {
  apihost: string;
  /** `uuid:key` */
  auth: string;
  action: string;
  params?: Record<string, unknown>;
  /** A key the result must contain. */
  expectKey: string;
}

export interface LoadReport {
  sent: number;
  succeeded: number;
  failed: number;
  /** Connections the gateway refused and that were tried again. */
  refusedRetries: number;
  failures: string[];
  maxLatencyMs: number;
}

const REFUSED_RETRY_MS = 100;
const REFUSED_GIVE_UP_MS = 20_000;

export class Load {
  private readonly agent = new Agent({ keepAliveTimeout: 1000, connections: 64 });
  private readonly pending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly report: LoadReport = {
    sent: 0,
    succeeded: 0,
    failed: 0,
    refusedRetries: 0,
    failures: [],
    maxLatencyMs: 0,
  };

  constructor(private readonly target: LoadTarget) {}

  start(rate: number): void {
    this.timer = setInterval(() => {
      const p = this.one().finally(() => this.pending.delete(p));
      this.pending.add(p);
    }, 1000 / rate);
  }

  /** Stops sending, waits for what is in flight, and reports. */
  async stop(): Promise<LoadReport> {
    clearInterval(this.timer);
    await Promise.all(this.pending);
    await this.agent.close();
    return this.report;
  }

  /** One invocation now (also usable without start). */
  async one(): Promise<void> {
    const { apihost, auth, action, params, expectKey } = this.target;
    const url = `${apihost}/api/v1/namespaces/_/actions/${action}?blocking=true&result=true`;
    const started = Date.now();
    this.report.sent++;
    let outcome: string | undefined;
    for (;;) {
      try {
        const res = await request(url, {
          method: 'POST',
          dispatcher: this.agent,
          headers: {
            authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(params ?? {}),
          reset: true,
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
        });
        const text = await res.body.text();
        outcome =
          res.statusCode === 200 && expectKey in (JSON.parse(text) as Record<string, unknown>)
            ? undefined
            : `HTTP ${res.statusCode}: ${text.slice(0, 200)}`;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'ECONNREFUSED' && Date.now() - started < REFUSED_GIVE_UP_MS) {
          this.report.refusedRetries++;
          await new Promise((r) => setTimeout(r, REFUSED_RETRY_MS));
          continue;
        }
        outcome = `${code ?? 'error'}: ${(err as Error).message}`;
      }
      break;
    }
    this.report.maxLatencyMs = Math.max(this.report.maxLatencyMs, Date.now() - started);
    if (outcome === undefined) {
      this.report.succeeded++;
    } else {
      this.report.failed++;
      this.report.failures.push(`${new Date().toISOString()} ${outcome}`);
    }
  }
}
