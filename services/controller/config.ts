/**
 * Controller configuration (the JSON file main.ts reads; the openwhisk playbook renders it). Knobs
 * default to OpenWhisk's group_vars/all values.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEFAULT_RUNTIMES_MANIFEST } from '../runtimes/manifest.ts';

const range = (min: number, max: number, std: number) =>
  z
    .object({ min: z.number().int(), max: z.number().int(), std: z.number().int() })
    .default({ min, max, std });

const schema = z.object({
  id: z.string().min(1).default('controller0'),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535),
  db: z.object({ url: z.string().url(), prefix: z.string().default('whisk_local_') }),
  limits: z
    .object({
      invocationsPerMinute: z.number().int().min(1).default(60),
      concurrentInvocations: z.number().int().min(1).default(30),
      concurrentInvocationsSystem: z.number().int().min(1).default(5000),
      firesPerMinute: z.number().int().min(1).default(60),
      sequenceMaxLength: z.number().int().min(1).default(50),
    })
    .prefault({}),
  actionLimits: z
    .object({
      memory: range(128, 512, 256),
      timeout: range(100, 300_000, 60_000),
      logs: range(0, 10, 10),
      concurrency: range(1, 1, 1),
    })
    .prefault({}),
  payloadMaxBytes: z.number().int().min(1).default(1_048_576),
  execMaxBytes: z.number().int().min(1).default(50_331_648),
  runtimesManifest: z.string().default(DEFAULT_RUNTIMES_MANIFEST),
  clusterSize: z.number().int().min(1).default(1),
  /**
   * On stop, answer /ping with 503 for this long before closing, so the gateways (checking every
   * second) stop sending new requests first: a rolling restart loses none.
   */
  drainMs: z.number().int().min(0).default(0),
  /** The public API host users and actions reach (`__OW_API_HOST`). */
  apihost: z.string().optional(),
  /** Invokers known before their first ping (they still must ping within 10 s to stay up). */
  invokers: z.array(z.string().url()).default([]),
  /** How long an invoker may stay silent before it is marked down. */
  invokerHealthTimeoutMs: z.number().int().min(100).default(10_000),
});

export type ControllerConfig = z.input<typeof schema>;
export type ResolvedControllerConfig = z.output<typeof schema>;

export function resolveControllerConfig(raw: unknown, where = 'controller config'): ResolvedControllerConfig {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`${where} is invalid: ${problems}. Fix these keys and start the controller again.`);
  }
  return parsed.data;
}

export async function loadControllerConfig(path: string): Promise<ResolvedControllerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read controller config ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`controller config ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return resolveControllerConfig(json, `controller config ${path}`);
}
