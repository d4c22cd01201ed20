/**
 * A read-through cache that invalidation cannot race: a load that started before an invalidation
 * of its key returns its value but does not store it, so a stale read never outlives a change.
 */
export class InvalidatingCache<V> {
  private readonly values = new Map<string, V>();
  private readonly inflight = new Map<string, Promise<V | undefined>>();
  private generation = 0;
  private readonly invalidatedAt = new Map<string, number>();
  private clearedAt = 0;

  constructor(private readonly maxEntries = 10_000) {}

  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.values.get(key);
    if (hit !== undefined) return hit;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const startedAt = this.generation;
    const loading = load().finally(() => this.inflight.delete(key));
    this.inflight.set(key, loading);
    const value = await loading;
    const stale = (this.invalidatedAt.get(key) ?? 0) > startedAt || this.clearedAt > startedAt;
    if (value !== undefined && !stale) this.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    if (this.values.size >= this.maxEntries && !this.values.has(key)) {
      // Drop the oldest entry (Map keeps insertion order).
      const oldest = this.values.keys().next().value;
      if (oldest !== undefined) this.values.delete(oldest);
    }
    this.values.set(key, value);
  }

  invalidate(key: string): void {
    this.generation++;
    this.values.delete(key);
    this.inflight.delete(key);
    this.invalidatedAt.set(key, this.generation);
    if (this.invalidatedAt.size > this.maxEntries) {
      this.invalidatedAt.clear();
      this.clearedAt = this.generation;
    }
  }

  clear(): void {
    this.generation++;
    this.clearedAt = this.generation;
    this.values.clear();
    this.inflight.clear();
    this.invalidatedAt.clear();
  }
}
