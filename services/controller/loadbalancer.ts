/**
 * The LoadBalancer: invokers register and stay healthy by pinging; an activation goes to the
 * action's home invoker (hash of namespace/action) or, when that one's memory share is used up, to
 * the next one along a coprime step, and to the invoker with the most free memory when all are full.
 * Each controller owns userMemoryMB / clusterSize of every invoker. The HTTP response of
 * POST {invoker}/activations is the completion; when an invoker falls silent its in-flight
 * activations are completed as `whisk internal error` records, so none is ever lost.
 */
import { Pool } from 'undici';
import { Messages, WhiskError } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import type { Activation, ActivationMessage, InvokerPing } from '../common/types.ts';
import type { ActivationStore } from '../store/activation-store.ts';
import { internalErrorRecord } from './activation-record.ts';

interface InvokerState {
  id: string;
  url: string;
  userMemoryMB: number;
  freeMemoryMB: number;
  status: InvokerPing['status'];
  lastPing: number;
  down: boolean;
  /** Memory this controller has placed on the invoker and not yet seen complete. */
  usedMB: number;
  inflight: Map<string, AbortController>;
  /** Keep-alive connections to the invoker's URL (replaced when the invoker moves). */
  pool: Pool;
  /** `{url path}/activations`. */
  path: string;
}

export interface LoadBalancerOptions {
  clusterSize: number;
  activations: ActivationStore;
  log: Logger;
  healthTimeoutMs?: number;
  /** Invoker URLs known before their first ping. */
  staticInvokers?: string[];
}

export type InvokerHealth = 'up' | 'unhealthy' | 'down';

/** Memory assumed for an invoker configured statically that has not pinged yet. */
const STATIC_INVOKER_MEMORY_MB = 2048;

export class LoadBalancer {
  private readonly invokers = new Map<string, InvokerState>();
  /** Invokers in id order and the step sizes for their count, kept between registrations. */
  private ordered: InvokerState[] = [];
  private steps: number[] = [1];
  private readonly healthTimer: NodeJS.Timeout;
  private readonly healthTimeoutMs: number;

  constructor(private readonly opts: LoadBalancerOptions) {
    this.healthTimeoutMs = opts.healthTimeoutMs ?? 10_000;
    (opts.staticInvokers ?? []).forEach((url, i) => {
      this.ping({
        id: `invoker${i}`,
        url,
        userMemoryMB: STATIC_INVOKER_MEMORY_MB,
        freeMemoryMB: STATIC_INVOKER_MEMORY_MB,
        busy: 0,
        status: 'up',
      });
    });
    this.healthTimer = setInterval(() => this.checkHealth(), Math.min(1000, this.healthTimeoutMs / 4));
    this.healthTimer.unref();
  }

  /** An invoker's heartbeat: registers it, or refreshes its memory and health. */
  ping(p: InvokerPing): void {
    const known = this.invokers.get(p.id);
    if (!known) {
      this.invokers.set(p.id, {
        ...p,
        lastPing: Date.now(),
        down: false,
        usedMB: 0,
        inflight: new Map(),
        ...invokerConnection(p.url),
      });
      this.ordered = [...this.invokers.values()].sort((a, b) =>
        a.id.localeCompare(b.id, 'en', { numeric: true }),
      );
      this.steps = coprimeSteps(this.ordered.length);
      this.opts.log.info({ invoker: p.id, url: p.url, userMemoryMB: p.userMemoryMB }, 'invoker registered');
      return;
    }
    if (known.down) this.opts.log.info({ invoker: p.id }, 'invoker is up again');
    if (known.url !== p.url) {
      void known.pool.close();
      Object.assign(known, invokerConnection(p.url));
    }
    Object.assign(known, {
      url: p.url,
      userMemoryMB: p.userMemoryMB,
      freeMemoryMB: p.freeMemoryMB,
      status: p.status,
      lastPing: Date.now(),
      down: false,
    });
  }

  /** `{invoker0: 'up', …}` as OpenWhisk's `/invokers` shows it. */
  health(): Record<string, InvokerHealth> {
    const out: Record<string, InvokerHealth> = {};
    for (const inv of this.ordered) out[inv.id] = inv.down ? 'down' : inv.status;
    return out;
  }

  /**
   * Sends the activation to an invoker and resolves with its record when it completes. Never
   * rejects once scheduled: failures become stored internal-error records. Throws 503 when no
   * invoker is usable.
   */
  publish(msg: ActivationMessage): Promise<Activation> {
    return this.publishTo(this.choose(msg), msg);
  }

  private publishTo(invoker: InvokerState, msg: ActivationMessage): Promise<Activation> {
    const memory = msg.action.limits.memory;
    const abort = new AbortController();
    invoker.usedMB += memory;
    invoker.inflight.set(msg.activationId, abort);
    const start = Date.now();
    return this.send(invoker, msg, abort.signal)
      .catch(async (err: Error) => {
        // The invoker is gone or going (restart, crash, host down): route around it at once
        // instead of after the ping timeout; it comes back with its next ping.
        if (!abort.signal.aborted && connectionFailed(err)) this.markDown(invoker, err.message);
        // Nothing ran when the invoker refused the activation: send it to another one.
        if (!abort.signal.aborted && notDelivered(err) && this.ordered.some((i) => usable(i))) {
          return this.publishTo(this.choose(msg), msg);
        }
        const reason = abort.signal.aborted
          ? `The invoker ${invoker.id} stopped responding (no ping for ${this.healthTimeoutMs / 1000} s) while running this activation.`
          : `Failed to run the action on invoker ${invoker.id}: ${err.message}`;
        this.opts.log.warn(
          { invoker: invoker.id, activationId: msg.activationId, tid: msg.transactionId },
          reason,
        );
        const record = internalErrorRecord(
          {
            activationId: msg.activationId,
            identity: msg.identity,
            action: msg.action,
            path: `${msg.action.namespace}/${msg.action.path}`,
            start,
            cause: msg.cause,
          },
          reason,
        );
        await this.opts.activations.store(record).catch(() => {});
        return record;
      })
      .finally(() => {
        invoker.usedMB -= memory;
        invoker.inflight.delete(msg.activationId);
      });
  }

  close(): void {
    clearInterval(this.healthTimer);
    for (const inv of this.invokers.values()) {
      for (const a of inv.inflight.values()) a.abort();
      void inv.pool.close();
    }
  }

  private async send(
    invoker: InvokerState,
    msg: ActivationMessage,
    signal: AbortSignal,
  ): Promise<Activation> {
    const res = await invoker.pool.request({
      path: invoker.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': msg.transactionId },
      body: JSON.stringify(msg),
      signal,
    });
    const text = await res.body.text();
    if (res.statusCode === 503) throw new NotDelivered(`HTTP 503 ${text.slice(0, 300)}`);
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as { activation?: Activation };
    if (!body.activation) throw new Error('the invoker answered without an activation record');
    return body.activation;
  }

  private choose(msg: ActivationMessage): InvokerState {
    const all = this.ordered;
    const n = all.length;
    const hash = fnv1a(`${msg.action.namespace}/${msg.action.name}`);
    const step = this.steps[hash % this.steps.length] ?? 1;
    const memory = msg.action.limits.memory;
    for (let i = 0, idx = hash % n; i < n; i++, idx = (idx + step) % n) {
      const inv = all[idx];
      if (inv && !inv.down && inv.status === 'up' && inv.usedMB + memory <= this.capacity(inv)) return inv;
    }
    // Every invoker's share is used up: overflow to the one with the most room; it queues the work.
    const usable = all.filter((i) => !i.down && i.status === 'up');
    if (usable.length === 0) throw new WhiskError(503, Messages.serviceUnavailable);
    return usable.reduce((best, inv) =>
      this.capacity(inv) - inv.usedMB > this.capacity(best) - best.usedMB ? inv : best,
    );
  }

  private markDown(inv: InvokerState, reason: string): void {
    if (inv.down) return;
    inv.down = true;
    this.opts.log.warn({ invoker: inv.id, url: inv.url, reason }, 'invoker marked down until its next ping');
  }

  private capacity(inv: InvokerState): number {
    return Math.floor(inv.userMemoryMB / this.opts.clusterSize);
  }

  private checkHealth(): void {
    const now = Date.now();
    for (const inv of this.invokers.values()) {
      if (inv.down || now - inv.lastPing < this.healthTimeoutMs) continue;
      inv.down = true;
      this.opts.log.warn(
        { invoker: inv.id, url: inv.url, inflight: inv.inflight.size },
        `invoker marked down: no ping for ${this.healthTimeoutMs / 1000} s`,
      );
      for (const abort of inv.inflight.values()) abort.abort();
    }
  }
}

/** One keep-alive pool per invoker: no URL parsing or agent lookup per activation. */
function invokerConnection(url: string): { pool: Pool; path: string } {
  const parsed = new URL(url);
  return {
    pool: new Pool(parsed.origin, { keepAliveTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 }),
    path: `${parsed.pathname.replace(/\/+$/, '')}/activations`,
  };
}

/** The invoker refused the activation (it is shutting down): it never ran. */
class NotDelivered extends Error {}

/** Errors that say the activation never reached an invoker process. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** Errors that say the connection to the invoker broke (it may have started the activation). */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function errorCode(err: Error): string {
  return (err as { code?: string }).code ?? '';
}

function notDelivered(err: Error): boolean {
  return err instanceof NotDelivered || NOT_CONNECTED.has(errorCode(err));
}

function connectionFailed(err: Error): boolean {
  return notDelivered(err) || CONNECTION_LOST.has(errorCode(err));
}

function usable(inv: InvokerState): boolean {
  return !inv.down && inv.status === 'up';
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Step sizes that visit every one of n invokers before repeating. */
function coprimeSteps(n: number): number[] {
  const steps: number[] = [];
  for (let s = 1; s <= n; s++) if (gcd(s, n) === 1) steps.push(s);
  return steps;
}
