/**
 * Entitlement throttles, checked in OpenWhisk's order: system-wide in-flight activations, then the
 * namespace's invocations in the current minute, then its concurrent activations. Each controller
 * enforces its share (limit / clusterSize), as upstream divides limits among controllers.
 */
import { Messages, WhiskError } from '../common/errors.ts';

export interface ThrottleLimits {
  invocationsPerMinute: number;
  concurrentInvocations: number;
  concurrentInvocationsSystem: number;
  firesPerMinute: number;
}

/** Counts events per key in fixed one-minute windows. */
class RateThrottler {
  private readonly counts = new Map<string, { minute: number; count: number }>();

  constructor(private readonly perMinute: number) {}

  /** Counts the event, or throws 429 when the key is over its limit this minute. */
  take(key: string): void {
    const minute = Math.floor(Date.now() / 60_000);
    let entry = this.counts.get(key);
    if (!entry || entry.minute !== minute) {
      if (this.counts.size > 10_000) this.counts.clear();
      entry = { minute, count: 0 };
      this.counts.set(key, entry);
    }
    if (entry.count >= this.perMinute)
      throw new WhiskError(429, Messages.tooManyRequests(entry.count, this.perMinute));
    entry.count++;
  }
}

export class Throttles {
  private readonly invokes: RateThrottler;
  private readonly fires: RateThrottler;
  private readonly inflight = new Map<string, number>();
  private inflightTotal = 0;
  readonly share: ThrottleLimits;

  constructor(limits: ThrottleLimits, clusterSize: number) {
    const divide = (n: number) => Math.max(1, Math.floor(n / clusterSize));
    this.share = {
      invocationsPerMinute: divide(limits.invocationsPerMinute),
      concurrentInvocations: divide(limits.concurrentInvocations),
      concurrentInvocationsSystem: divide(limits.concurrentInvocationsSystem),
      firesPerMinute: divide(limits.firesPerMinute),
    };
    this.invokes = new RateThrottler(this.share.invocationsPerMinute);
    this.fires = new RateThrottler(this.share.firesPerMinute);
  }

  /**
   * Admits one invocation for the namespace or throws the 429; the returned function ends it
   * (call exactly once, when the activation completes).
   */
  admitInvoke(namespace: string): () => void {
    if (this.inflightTotal >= this.share.concurrentInvocationsSystem) {
      throw new WhiskError(429, Messages.systemOverloaded);
    }
    this.invokes.take(namespace);
    const running = this.inflight.get(namespace) ?? 0;
    if (running >= this.share.concurrentInvocations) {
      throw new WhiskError(429, Messages.tooManyConcurrent(running, this.share.concurrentInvocations));
    }
    this.inflight.set(namespace, running + 1);
    this.inflightTotal++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inflightTotal--;
      const n = (this.inflight.get(namespace) ?? 1) - 1;
      if (n <= 0) this.inflight.delete(namespace);
      else this.inflight.set(namespace, n);
    };
  }

  /** Counts a trigger fire or throws 429. */
  admitFire(namespace: string): void {
    this.fires.take(namespace);
  }

  get inFlight(): number {
    return this.inflightTotal;
  }
}
