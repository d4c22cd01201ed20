/** The gateway's configuration: the JSON file `main.ts` reads, validated with the defaults applied. */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const schema = z.object({
  host: z.string().min(1).default('0.0.0.0'),
  port: z.number().int().min(0).max(65535).default(3233),
  controllers: z.array(z.url({ protocol: /^https?$/ })).min(1),
  /** nginx's `client_max_body_size 65M` upstream; the controller enforces the finer API limits. */
  maxBodyBytes: z.number().int().positive().default(67_108_864),
  tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
  /**
   * When no controller is healthy, hold a request this long for one to come back (a rolling
   * restart of the only controller) before answering 503; 0 answers at once.
   */
  unavailableWaitMs: z.number().int().min(0).default(0),
  routesFile: z.string().min(1).optional(),
  /** Also serve the routes `wsk api` stores, polled from the controllers' GET /apis/routes. */
  apiRoutesPollMs: z.number().int().min(100).optional(),
  /** One JSON line per request at info level; off by default to keep the invoke path lean. */
  accessLog: z.boolean().default(false),
  logLevel: z.string().optional(),
});

/** What callers pass: fields with defaults may be left out. */
export type GatewayConfig = z.input<typeof schema>;
export type ResolvedGatewayConfig = z.output<typeof schema>;

/** Validates a config object; `where` names its source (a file path) for the error message. */
export function resolveGatewayConfig(raw: unknown, where = 'gateway config'): ResolvedGatewayConfig {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new Error(
    `Invalid gateway configuration in ${where}: ${problems}. Fix these keys and restart the gateway.`,
  );
}

export async function loadGatewayConfig(path: string): Promise<ResolvedGatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(
      `Cannot read the gateway config file ${path}: ${(err as Error).message}. Pass an existing JSON file.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`The gateway config file ${path} is not valid JSON: ${(err as Error).message}.`);
  }
  return resolveGatewayConfig(raw, path);
}
