/**
 * Modules that only make sense for this platform: they know where services log, how the whisk
 * API answers and where the environment's keys live. Generic work stays in engine/modules.
 */
import { request } from 'undici';
import {
  type ArgsOf,
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
} from '../../engine/modules/module.ts';
import { changed, failed, ok } from '../../engine/modules/results.ts';
import type { Secret } from '../../engine/secret.ts';
import { quote } from '../../engine/transports/shell.ts';
import { ensureAuthKeys } from './secrets.ts';

/** Creates the environment's auth keys once (on the machine running owctl). */
export interface AuthKeysArgs {
  wellKnown: boolean;
}

const authKeysModule: Module<AuthKeysArgs> = {
  name: 'auth_keys',
  checkMode: 'full',
  async run(args, ctx) {
    const { created } = await ensureAuthKeys(ctx.inventory, { wellKnown: args.wellKnown, check: ctx.check });
    if (created.length === 0) return ok('auth keys present');
    return changed(`${ctx.check ? 'would create' : 'created'} auth keys for ${created.join(', ')}`);
  },
};

export function authKeys(args: ArgsOf<AuthKeysArgs>): ModuleCall<AuthKeysArgs> {
  return call(authKeysModule, args);
}

/** Waits for a service's health URL; on failure shows its last log lines and its config file. */
export interface ServiceHealthyArgs {
  service: string;
  url: string;
  logFile: string;
  configFile: string;
  timeoutMs?: number;
  /** Any HTTP answer means up (the gateway answers 503 itself until a controller is up). */
  anyStatus?: boolean;
}

/** undefined when the URL answers (below 500, or anything with anyStatus); else why not. */
export async function answers(url: string, anyStatus = false): Promise<string | undefined> {
  try {
    const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
    await res.body.text();
    return res.statusCode < 500 || anyStatus ? undefined : `HTTP ${res.statusCode}`;
  } catch (err) {
    return (err as Error).message;
  }
}

async function logTail(ctx: ModuleContext, file: string): Promise<string> {
  const res = await ctx.transport.exec(`tail -n 25 ${quote(file)} 2>&1`);
  return res.stdout.trim() || '(empty log)';
}

const serviceHealthyModule: Module<ServiceHealthyArgs> = {
  name: 'service_healthy',
  checkMode: 'probe',
  async run(args, ctx) {
    const deadline = Date.now() + (args.timeoutMs ?? 30_000);
    let last: string | undefined = 'not tried';
    while (Date.now() < deadline) {
      last = await answers(args.url, args.anyStatus);
      if (last === undefined) return ok(`${args.service} answers ${args.url}`);
      if (ctx.check) break; // a service not started in check mode is expected
      await new Promise((r) => setTimeout(r, 150));
    }
    if (ctx.check) return changed(`${args.service} would be started (${args.url}: ${last})`);
    const tail = await logTail(ctx, args.logFile);
    return failed(
      `${args.service} on ${ctx.host.name} did not answer ${args.url} within ${(args.timeoutMs ?? 30_000) / 1000} s (${last}). ` +
        `Its config: ${args.configFile}. Its log: ${args.logFile}. Fix the cause shown below, then run the deploy again.`,
      { stdout: tail },
    );
  },
};

export function serviceHealthy(args: ArgsOf<ServiceHealthyArgs>): ModuleCall<ServiceHealthyArgs> {
  return call(serviceHealthyModule, args);
}

/**
 * Upserts a whisk entity (package or action) through the REST API: GET, compare what we manage,
 * PUT with overwrite only when it differs — so a redeploy reports ok and bumps no versions.
 */
export interface WhiskEntityArgs {
  apihost: string;
  auth: Secret;
  /** e.g. "packages/utils" or "actions/utils/echo" under /api/v1/namespaces/{namespace}/ */
  path: string;
  namespace: string;
  body: Record<string, unknown>;
}

function basic(auth: Secret): string {
  return `Basic ${Buffer.from(auth.reveal()).toString('base64')}`;
}

/** True when every key we send is already equal in what the server has. */
function sameEntity(current: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  return Object.entries(wanted).every(([k, v]) => {
    if (k === 'annotations' && Array.isArray(v) && Array.isArray(current[k])) {
      const have = current[k] as { key: string; value: unknown }[];
      return (v as { key: string; value: unknown }[]).every((a) =>
        have.some((b) => b.key === a.key && JSON.stringify(b.value) === JSON.stringify(a.value)),
      );
    }
    if (v && typeof v === 'object' && !Array.isArray(v) && current[k] && typeof current[k] === 'object') {
      return sameEntity(current[k] as Record<string, unknown>, v as Record<string, unknown>);
    }
    return JSON.stringify(current[k]) === JSON.stringify(v);
  });
}

const whiskEntityModule: Module<WhiskEntityArgs> = {
  name: 'whisk_entity',
  checkMode: 'full',
  async run(args, ctx) {
    const url = `${args.apihost}/api/v1/namespaces/${encodeURIComponent(args.namespace)}/${args.path}`;
    const headers = { authorization: basic(args.auth), 'content-type': 'application/json' };
    const got = await request(url, { headers });
    const text = await got.body.text();
    if (got.statusCode === 200 && sameEntity(JSON.parse(text) as Record<string, unknown>, args.body)) {
      return ok(`/${args.namespace}/${args.path} is up to date`);
    }
    if (got.statusCode !== 200 && got.statusCode !== 404) {
      return failed(
        `GET ${url} answered ${got.statusCode}: ${text.slice(0, 300)}. Check the controller's log.`,
      );
    }
    if (ctx.check)
      return changed(`would ${got.statusCode === 404 ? 'create' : 'update'} /${args.namespace}/${args.path}`);
    const put = await request(`${url}?overwrite=true`, {
      method: 'PUT',
      headers,
      body: JSON.stringify(args.body),
    });
    const putText = await put.body.text();
    if (put.statusCode !== 200) {
      return failed(
        `PUT ${url} answered ${put.statusCode}: ${putText.slice(0, 300)}. Check the controller's log.`,
      );
    }
    return changed(`${got.statusCode === 404 ? 'created' : 'updated'} /${args.namespace}/${args.path}`);
  },
};

export function whiskEntity(args: ArgsOf<WhiskEntityArgs>): ModuleCall<WhiskEntityArgs> {
  return call(whiskEntityModule, args);
}

/** Invokes an action blocking and checks its result: the deploy's smoke test. */
export interface SmokeInvokeArgs {
  apihost: string;
  auth: Secret;
  action: string;
  params: Record<string, unknown>;
  expect: Record<string, unknown>;
}

const smokeInvokeModule: Module<SmokeInvokeArgs> = {
  name: 'smoke_invoke',
  checkMode: 'none',
  async run(args) {
    const [ns, ...rest] = args.action.replace(/^\//, '').split('/');
    const url = `${args.apihost}/api/v1/namespaces/${ns}/actions/${rest.join('/')}?blocking=true&result=true`;
    const res = await request(url, {
      method: 'POST',
      headers: { authorization: basic(args.auth), 'content-type': 'application/json' },
      body: JSON.stringify(args.params),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      return failed(
        `smoke test: invoking ${args.action} answered ${res.statusCode}: ${text.slice(0, 300)}. ` +
          'See `owctl logs ENV controller0` and `owctl logs ENV invoker0`.',
      );
    }
    const result = JSON.parse(text) as Record<string, unknown>;
    if (!sameEntity(result, args.expect)) {
      return failed(
        `smoke test: ${args.action} returned ${text.slice(0, 300)}, expected ${JSON.stringify(args.expect)}`,
      );
    }
    return ok(`${args.action} answered ${text.trim()}`);
  },
};

export function smokeInvoke(args: ArgsOf<SmokeInvokeArgs>): ModuleCall<SmokeInvokeArgs> {
  return call(smokeInvokeModule, args);
}
