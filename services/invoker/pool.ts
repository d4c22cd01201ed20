/**
 * ContainerPool, as OpenWhisk's: containers run one activation at a time; an idle container is
 * reused only for the same action (namespace + name + revision); prewarmed stem cells of the
 * manifest's kinds are initialised on demand for cold actions; the memory of busy and idle
 * containers is bounded by userMemoryMB (idle ones are evicted LRU before a job waits in the FIFO
 * queue); idle containers are removed after idleTimeoutMs.
 */
import type { Logger } from 'pino';
import type { ActivationMessage } from '../common/types.ts';
import { type RuntimeKind, type RuntimeManifest, type StemCell, stemCells } from '../runtimes/manifest.ts';
import type { Container, ContainerFactory } from './factory.ts';

export interface ContainerPoolOptions {
  factory: ContainerFactory;
  manifest: RuntimeManifest;
  /** Used in container names. */
  invokerId: string;
  userMemoryMB: number;
  idleTimeoutMs: number;
  prewarm: boolean;
  /** Environment of every container (e.g. __OW_API_HOST). */
  env: Record<string, string>;
  logger: Logger;
}

type State = 'prewarm' | 'idle' | 'busy';

export interface PooledContainer {
  container: Container;
  kind: string;
  memoryMB: number;
  state: State;
  /** namespace/name@rev of the action it was initialised with; undefined for stem cells. */
  action?: string;
  activations: number;
  lastUsed: number;
  suspended: boolean;
  timers: NodeJS.Timeout[];
}

export interface Lease {
  entry: PooledContainer;
  /** The container still needs /init with the action's code. */
  cold: boolean;
  /** A stem cell was used (cold, but without process start-up). */
  prewarmed: boolean;
}

export interface PoolStats {
  userMemoryMB: number;
  usedMemoryMB: number;
  freeMemoryMB: number;
  busy: number;
  idle: number;
  prewarm: number;
  queued: number;
  containers: {
    name: string;
    kind: string;
    memoryMB: number;
    state: State;
    action?: string;
    activations: number;
  }[];
}

interface Waiter {
  key: string;
  kind: RuntimeKind;
  memoryMB: number;
  resolve: (lease: Lease) => void;
  reject: (err: Error) => void;
}

/** Idle containers are suspended after this grace (docker pause); a quick follow-up skips the pause. */
const SUSPEND_GRACE_MS = 50;

export function actionKey(msg: ActivationMessage): string {
  return `${msg.action.namespace}/${msg.action.path}@${msg.action.rev}`;
}

export class ContainerPool {
  private readonly entries = new Set<PooledContainer>();
  private readonly queue: Waiter[] = [];
  /** Containers being started for a job (not yet in entries), and their memory. */
  private starting = 0;
  private reservedMB = 0;
  /** Stem cells being started, by `kind/memory`. */
  private readonly prewarmStarting = new Map<string, number>();
  private seq = 0;
  private closing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: ContainerPoolOptions) {}

  /** Starts the manifest's stem cells (when prewarm is on). */
  start(): void {
    if (this.opts.prewarm) this.refillPrewarm();
  }

  /** A container for the action: warm, a stem cell or a new one; waits in the FIFO queue when memory is full. */
  acquire(msg: ActivationMessage, kind: RuntimeKind): Promise<Lease> {
    const memoryMB = msg.action.limits.memory;
    if (this.closing) return Promise.reject(new Error(`invoker ${this.opts.invokerId} is shutting down`));
    if (memoryMB > this.opts.userMemoryMB) {
      return Promise.reject(
        new Error(
          `the action needs ${memoryMB} MB but invoker ${this.opts.invokerId} has only ${this.opts.userMemoryMB} MB of user memory`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ key: actionKey(msg), kind, memoryMB, resolve, reject });
      this.drainQueue();
    });
  }

  /** Returns a container after an activation; destroyed unless reusable (timeouts, crashes, init failures). */
  release(lease: Lease, reusable: boolean): void {
    const { entry } = lease;
    if (reusable && entry.container.alive && !this.closing) {
      entry.state = 'idle';
      entry.lastUsed = Date.now();
      entry.timers.push(
        setTimeout(() => this.suspend(entry), SUSPEND_GRACE_MS).unref(),
        setTimeout(() => this.remove(entry, 'idle timeout'), this.opts.idleTimeoutMs).unref(),
      );
    } else {
      this.remove(entry, 'not reusable');
    }
    this.drainQueue();
    this.notifyIdle();
  }

  stats(): PoolStats {
    const list = [...this.entries];
    const used = this.usedMB();
    return {
      userMemoryMB: this.opts.userMemoryMB,
      usedMemoryMB: used,
      freeMemoryMB: this.opts.userMemoryMB - used,
      busy: list.filter((e) => e.state === 'busy').length + this.starting,
      idle: list.filter((e) => e.state === 'idle').length,
      prewarm: list.filter((e) => e.state === 'prewarm').length,
      queued: this.queue.length,
      containers: list.map((e) => ({
        name: e.container.name,
        kind: e.kind,
        memoryMB: e.memoryMB,
        state: e.state,
        action: e.action,
        activations: e.activations,
      })),
    };
  }

  /** Stops taking work: queued jobs fail; resolves once running activations are released. */
  async drain(): Promise<void> {
    this.closing = true;
    for (const w of this.queue.splice(0)) {
      w.reject(new Error(`invoker ${this.opts.invokerId} is shutting down`));
    }
    while ([...this.entries].some((e) => e.state === 'busy') || this.starting > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  /** Destroys every container. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.entries].map((e) => this.remove(e, 'invoker shutdown')));
  }

  private usedMB(): number {
    let used = this.reservedMB;
    for (const e of this.entries) if (e.state !== 'prewarm') used += e.memoryMB;
    return used;
  }

  private drainQueue(): void {
    for (let head = this.queue[0]; head; head = this.queue[0]) {
      if (!this.tryStart(head)) return;
      this.queue.shift();
    }
  }

  /** Serves a waiter if possible now; false when it must keep waiting for memory. */
  private tryStart(w: Waiter): boolean {
    // A proxy that died while idle (or as a stem cell) is never handed out.
    for (const e of this.entries) if (e.state !== 'busy' && !e.container.alive) this.remove(e, 'exited');
    const warm = this.pick((e) => e.state === 'idle' && e.action === w.key);
    if (warm) {
      this.take(warm, w.key);
      const resume = warm.suspended ? warm.container.resume() : Promise.resolve();
      warm.suspended = false;
      resume.then(
        () => w.resolve({ entry: warm, cold: false, prewarmed: false }),
        (err: Error) => {
          this.remove(warm, 'resume failed');
          w.reject(err);
        },
      );
      return true;
    }
    if (!this.makeRoom(w.memoryMB)) return false;
    const stem = this.pick(
      (e) => e.state === 'prewarm' && e.kind === w.kind.kind && e.memoryMB === w.memoryMB,
    );
    if (stem) {
      this.take(stem, w.key);
      w.resolve({ entry: stem, cold: true, prewarmed: true });
      if (this.opts.prewarm) this.refillPrewarm();
      return true;
    }
    this.reservedMB += w.memoryMB;
    this.starting += 1;
    this.create(w.kind, w.memoryMB).then(
      (container) => {
        this.reservedMB -= w.memoryMB;
        this.starting -= 1;
        const entry = this.track(container, w.kind.kind, w.memoryMB, 'busy');
        entry.action = w.key;
        entry.activations = 1;
        w.resolve({ entry, cold: true, prewarmed: false });
      },
      (err: Error) => {
        this.reservedMB -= w.memoryMB;
        this.starting -= 1;
        w.reject(err);
        this.drainQueue();
        this.notifyIdle();
      },
    );
    return true;
  }

  /** Evicts idle containers, least recently used first, until memoryMB fits. */
  private makeRoom(memoryMB: number): boolean {
    while (this.opts.userMemoryMB - this.usedMB() < memoryMB) {
      const lru = [...this.entries]
        .filter((e) => e.state === 'idle')
        .sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (!lru) return false;
      this.remove(lru, 'evicted for memory');
    }
    return true;
  }

  /** The most recently used container matching. */
  private pick(match: (e: PooledContainer) => boolean): PooledContainer | undefined {
    let best: PooledContainer | undefined;
    for (const e of this.entries) if (match(e) && (!best || e.lastUsed > best.lastUsed)) best = e;
    return best;
  }

  private take(entry: PooledContainer, key: string): void {
    for (const t of entry.timers.splice(0)) clearTimeout(t);
    entry.state = 'busy';
    entry.action = key;
    entry.activations += 1;
  }

  private track(container: Container, kind: string, memoryMB: number, state: State): PooledContainer {
    const entry: PooledContainer = {
      container,
      kind,
      memoryMB,
      state,
      activations: 0,
      lastUsed: Date.now(),
      suspended: false,
      timers: [],
    };
    this.entries.add(entry);
    return entry;
  }

  private create(kind: RuntimeKind, memoryMB: number): Promise<Container> {
    const name = `wsk_${this.opts.invokerId}_${++this.seq}_${kind.kind.replace(/[^A-Za-z0-9]/g, '_')}`;
    return this.opts.factory.create({ kind, memoryMB, env: this.opts.env, name });
  }

  private refillPrewarm(): void {
    if (this.closing) return;
    for (const cell of stemCells(this.opts.manifest)) {
      const kind = this.opts.manifest.kinds.get(cell.kind);
      if (!kind) continue;
      const id = `${cell.kind}/${cell.memoryMB}`;
      const have =
        [...this.entries].filter(
          (e) => e.state === 'prewarm' && e.kind === cell.kind && e.memoryMB === cell.memoryMB,
        ).length + (this.prewarmStarting.get(id) ?? 0);
      for (let i = have; i < cell.count; i++) this.startStemCell(kind, cell, id);
    }
  }

  private startStemCell(kind: RuntimeKind, cell: StemCell, id: string): void {
    this.prewarmStarting.set(id, (this.prewarmStarting.get(id) ?? 0) + 1);
    this.create(kind, cell.memoryMB)
      .then(
        (container) => {
          if (this.closing) return container.destroy();
          this.track(container, cell.kind, cell.memoryMB, 'prewarm');
          // A stem cell may be exactly what the queue head waits for.
          this.drainQueue();
        },
        (err: Error) => {
          if (!this.closing)
            this.opts.logger.error({ kind: cell.kind, err: err.message }, 'cannot start a stem cell');
        },
      )
      .finally(() => this.prewarmStarting.set(id, (this.prewarmStarting.get(id) ?? 1) - 1));
  }

  private suspend(entry: PooledContainer): void {
    if (entry.state !== 'idle' || entry.suspended) return;
    entry.suspended = true;
    entry.container.suspend().catch((err: Error) => {
      this.opts.logger.warn(
        { container: entry.container.name, err: err.message },
        'cannot suspend container',
      );
      this.remove(entry, 'suspend failed');
    });
  }

  private remove(entry: PooledContainer, reason: string): Promise<void> {
    if (!this.entries.delete(entry)) return Promise.resolve();
    for (const t of entry.timers.splice(0)) clearTimeout(t);
    this.opts.logger.debug({ container: entry.container.name, reason }, 'removing container');
    return entry.container.destroy().catch((err: Error) => {
      this.opts.logger.warn(
        { container: entry.container.name, err: err.message },
        'cannot destroy container',
      );
    });
  }

  private notifyIdle(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
