/** Starts a real invoker (process containers) in-process and talks to it over HTTP as a controller does. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { ActionLimits, Activation, ActivationMessage } from '../../../services/common/types.ts';
import { type InvokerConfigInput, parseInvokerConfig } from '../../../services/invoker/config.ts';
import { startInvoker } from '../../../services/invoker/invoker.ts';
import type { PoolStats } from '../../../services/invoker/pool.ts';
import { MemoryActivationSink } from '../../../services/invoker/sink.ts';

export interface TestInvoker {
  url: string;
  sink: MemoryActivationSink;
  stateDir: string;
  invoke(msg: ActivationMessage): Promise<Activation>;
  pool(): Promise<PoolStats>;
  close(): Promise<void>;
}

export async function startTestInvoker(config: Partial<InvokerConfigInput> = {}): Promise<TestInvoker> {
  const stateDir = await mkdtemp(join(tmpdir(), 'owctl-invoker-test-'));
  const sink = new MemoryActivationSink();
  const invoker = await startInvoker(
    parseInvokerConfig({ port: 0, prewarm: false, stateDir, apihost: 'http://127.0.0.1:3233', ...config }),
    { sink, logger: pino({ level: process.env.OWCTL_LOG_LEVEL ?? 'silent' }) },
  );
  return {
    url: invoker.url,
    sink,
    stateDir,
    async invoke(msg) {
      const res = await fetch(`${invoker.url}/activations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(msg),
      });
      const body = (await res.json()) as { activation: Activation; error?: string };
      if (res.status !== 200) throw new Error(`invoker answered ${res.status}: ${body.error}`);
      return body.activation;
    },
    async pool() {
      return (await (await fetch(`${invoker.url}/pool`)).json()) as PoolStats;
    },
    async close() {
      await invoker.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

let seq = 0;

export interface ActionSpec {
  name?: string;
  code: string;
  kind?: string;
  rev?: string;
  main?: string;
  limits?: Partial<ActionLimits>;
  params?: Record<string, unknown>;
}

/** An ActivationMessage as the controller sends it, for the `guest` namespace. */
export function message(spec: ActionSpec): ActivationMessage {
  seq += 1;
  const name = spec.name ?? `action${seq}`;
  return {
    activationId: `${Date.now().toString(16)}${seq.toString(16).padStart(8, '0')}`.padEnd(32, '0'),
    transactionId: `tid-${seq}`,
    action: {
      namespace: 'guest',
      name,
      path: name,
      version: '0.0.1',
      rev: spec.rev ?? '1-a',
      exec: { kind: spec.kind ?? 'nodejs:20', code: spec.code, ...(spec.main ? { main: spec.main } : {}) },
      limits: { timeout: 5000, memory: 256, logs: 10, concurrency: 1, ...spec.limits },
    },
    identity: { subject: 'guest', namespace: 'guest', uuid: 'uuid-guest', key: 'key-guest' },
    params: spec.params ?? {},
    blocking: true,
  };
}

export function annotation(a: Activation, key: string): unknown {
  return a.annotations.find((kv) => kv.key === key)?.value;
}
