/** Invoker configuration: the JSON file `main.ts` reads, validated, with OpenWhisk's defaults. */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_RUNTIMES_MANIFEST } from '../runtimes/manifest.ts';

export const invokerConfigSchema = z
  .object({
    id: z.string().min(1).default('invoker0'),
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(12001),
    /** Where controllers reach this invoker; defaults to the URL it listens on. */
    advertiseUrl: z.string().optional(),
    /** Controller base URLs; each gets an InvokerPing every second. */
    controllers: z.array(z.string()).default([]),
    db: z.object({ url: z.string(), prefix: z.string().default('whisk_local_') }).optional(),
    userMemoryMB: z.number().int().positive().default(2048),
    containerFactory: z.enum(['process', 'docker']).default('process'),
    runtimesManifest: z.string().default(DEFAULT_RUNTIMES_MANIFEST),
    /** Scratch directories for sandboxes (each container's private HOME lives here). */
    stateDir: z.string().optional(),
    /** Passed to actions as __OW_API_HOST. */
    apihost: z.string().default('http://127.0.0.1:3233'),
    idleTimeoutMs: z.number().int().positive().default(600_000),
    prewarm: z.boolean().default(true),
    sandbox: z.enum(['auto', 'bwrap', 'none']).default('auto'),
    /** The docker container factory's engine, images and networking. */
    docker: z
      .object({
        /** Engine address (unix://, tcp://, ssh://); default $DOCKER_HOST, else the local socket. */
        host: z.string().optional(),
        imagePrefix: z.string().default('whisk'),
        imageTag: z.string().default('latest'),
        /** When set, runtime images are pulled from {registry}/{prefix}/… instead of built here. */
        registry: z.string().optional(),
        /** bridge (upstream's default), host (one machine, tests), or a network name. */
        network: z.string().default('bridge'),
        pidsLimit: z.number().int().positive().default(1024),
        /**
         * Names (wsk<instance>_…) and labels this invoker's action containers; unique per engine.
         * Default: the invoker id. Environments sharing an engine give `<env>_<id>`.
         */
        instance: z.string().optional(),
        user: z.string().optional(),
      })
      .prefault({}),
  })
  .transform((c) => ({
    ...c,
    stateDir: c.stateDir ?? join(tmpdir(), `owctl-${c.id}`),
  }));

export type InvokerConfig = z.output<typeof invokerConfigSchema>;
export type InvokerConfigInput = z.input<typeof invokerConfigSchema>;

export function parseInvokerConfig(input: unknown, source = 'invoker config'): InvokerConfig {
  const parsed = invokerConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${source}: invalid value at '${issue?.path.join('.')}': ${issue?.message}. Fix the file.`,
    );
  }
  return parsed.data;
}

export function loadInvokerConfig(path: string): InvokerConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot load the invoker config ${path}: ${(err as Error).message}.`);
  }
  return parseInvokerConfig(json, path);
}
