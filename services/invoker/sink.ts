/**
 * Where the invoker puts finished activation records. main.ts wires the store's ActivationStore
 * (batched writes to CouchDB); tests and storeless setups use MemoryActivationSink.
 */
import type { Activation } from '../common/types.ts';

export interface ActivationSink {
  /** Queue a record for storage; never blocks the activation path. */
  store(activation: Activation): void;
  /** Resolves once every queued record is written. */
  flush(): Promise<void>;
}

/** Keeps records in memory (newest last), bounded so a long-running storeless invoker does not grow. */
export class MemoryActivationSink implements ActivationSink {
  readonly records: Activation[] = [];

  constructor(private readonly max = 10_000) {}

  store(activation: Activation): void {
    this.records.push(activation);
    if (this.records.length > this.max) this.records.shift();
  }

  async flush(): Promise<void> {}
}
