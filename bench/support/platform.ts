/**
 * Helpers for the platform and deploy benchmarks: a real `owctl deploy local` into a temporary
 * OWCTL_HOME on free ports (torn down with --purge afterwards), wrk runs with a generated Lua
 * script, and CPU accounting of the deployed services from /proc (so a figure can be split into
 * where the time went, even on a machine shared with other work).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/ports.ts';
import { outputTail, type TimedRun, timed } from './process.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Recap {
  ok: number;
  changed: number;
  failed: number;
}

export interface LocalDeployment {
  home: string;
  apihost: string;
  /** `uuid:key` of the guest namespace. */
  auth: string;
  /** CouchDB base URL with the admin credentials. */
  dbUrl: string;
  dbPrefix: string;
  /** The `-e key=value` arguments every owctl call of this deployment passes. */
  vars: string[];
  /** Runs `owctl deploy local` again (idempotent redeploy) and times it. */
  deploy(): Promise<DeployRun>;
  /** `owctl teardown local` (services stop, data stays). */
  teardown(): Promise<TimedRun>;
  /** `owctl teardown local --purge --yes` and removal of the temporary home. */
  destroy(): Promise<void>;
}

export interface DeployRun {
  run: TimedRun;
  recap: Recap;
}

function recapOf(run: TimedRun): Recap {
  const last = run.stdout.trimEnd().split('\n').at(-1) ?? '{}';
  const hosts = (JSON.parse(last) as { recap?: Record<string, Recap> }).recap ?? {};
  const total = { ok: 0, changed: 0, failed: 0 };
  for (const h of Object.values(hosts)) {
    total.ok += h.ok;
    total.changed += h.changed;
    total.failed += h.failed;
  }
  return total;
}

async function owctl(home: string, args: string[]): Promise<TimedRun> {
  return await timed('node', ['bin/owctl.js', ...args], { cwd: REPO_ROOT, env: { OWCTL_HOME: home } });
}

/**
 * Deploys the local environment from nothing into a fresh temporary OWCTL_HOME on free ports.
 * `extraVars` are more `key=value` overrides (e.g. raised limits for load tests). The first
 * deploy's timing is in `first`.
 */
export async function deployLocal(
  extraVars: string[] = [],
): Promise<{ deployment: LocalDeployment; first: DeployRun }> {
  const home = await mkdtemp(join(tmpdir(), 'owctl-bench-'));
  const [gateway, controller, invoker, db] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const vars = [
    `gateway.port=${gateway}`,
    `controller.basePort=${controller}`,
    `invoker.port=${invoker}`,
    `db.port=${db}`,
    ...extraVars,
  ].flatMap((v) => ['-e', v]);
  const deploy = async (): Promise<DeployRun> => {
    const run = await owctl(home, ['deploy', 'local', '--json', ...vars]);
    if (run.exitCode !== 0) {
      throw new Error(`owctl deploy local exited ${run.exitCode} (OWCTL_HOME=${home}):\n${outputTail(run)}`);
    }
    return { run, recap: recapOf(run) };
  };
  const destroy = async () => {
    await owctl(home, ['teardown', 'local', '--purge', '--yes', '--json', ...vars]);
    await rm(home, { recursive: true, force: true });
  };
  let first: DeployRun;
  try {
    first = await deploy();
  } catch (err) {
    await destroy();
    throw err;
  }
  const configDir = join(home, 'local/config');
  const couch = JSON.parse(await readFile(join(configDir, 'couchdb.json'), 'utf8')) as {
    port: number;
    adminUser: string;
    adminPassword: string;
  };
  const ctl = JSON.parse(await readFile(join(configDir, 'controller0.json'), 'utf8')) as {
    db: { prefix: string };
  };
  const auth = (await readFile(join(home, 'local/secrets/auth.guest'), 'utf8')).trim();
  return {
    first,
    deployment: {
      home,
      apihost: `http://127.0.0.1:${gateway}`,
      auth,
      dbUrl: `http://${couch.adminUser}:${couch.adminPassword}@127.0.0.1:${couch.port}`,
      dbPrefix: ctl.db.prefix,
      vars,
      deploy,
      teardown: () => owctl(home, ['teardown', 'local', '--json', ...vars]),
      destroy,
    },
  };
}

/** The process id of each running service (the supervised child, not its supervisor). */
export async function servicePids(home: string): Promise<Record<string, number>> {
  const runDir = join(home, 'local/run');
  const out: Record<string, number> = {};
  for (const f of await readdir(runDir)) {
    if (!f.endsWith('.pid.json')) continue;
    const state = JSON.parse(await readFile(join(runDir, f), 'utf8')) as { childPid?: number };
    if (state.childPid) out[f.slice(0, -'.pid.json'.length)] = state.childPid;
  }
  return out;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system) used so far by each pid and its live descendants (action proxies). */
export async function cpuSeconds(pids: Record<string, number>): Promise<Record<string, number>> {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the parenthesised command: state ppid … utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parent.set(Number(entry), Number(fields[1]));
    ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
  }
  const out: Record<string, number> = {};
  for (const [name, root] of Object.entries(pids)) {
    let sum = 0;
    for (const [pid, t] of ticks) {
      for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
        if (p === root) {
          sum += t;
          break;
        }
      }
    }
    out[name] = sum / CLOCK_TICKS;
  }
  return out;
}

export interface WrkOptions {
  url: string;
  connections: number;
  seconds: number;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Collect the `x-openwhisk-activation-id` of every 200 response (and count requests sent). */
  collectActivationIds?: boolean;
}

export interface WrkResult {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Responses outside 2xx/3xx. */
  non2xx: number;
  socketErrors: number;
  /** With collectActivationIds: requests wrk wrote (some may be cut off by its stop). */
  sent?: number;
  activationIds?: string[];
}

const luaString = (s: string) => JSON.stringify(s);

function wrkScript(opts: WrkOptions, idsFile: string): string {
  const lines = [`wrk.method = ${luaString(opts.method ?? 'GET')}`];
  if (opts.body !== undefined) lines.push(`wrk.body = ${luaString(opts.body)}`);
  for (const [k, v] of Object.entries(opts.headers ?? {}))
    lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
  if (opts.collectActivationIds) {
    lines.push(
      'local threads = {}',
      'function setup(thread) table.insert(threads, thread) end',
      'function init(args) ids = {}; sent = 0; req = wrk.format() end',
      'function request() sent = sent + 1; return req end',
      'function response(status, headers, body)',
      '  if status == 200 then ids[#ids + 1] = headers["x-openwhisk-activation-id"] end',
      'end',
      'function done(summary, latency, requests)',
      `  local f = io.open(${luaString(idsFile)}, "w")`,
      '  for _, t in ipairs(threads) do',
      '    f:write("sent ", t:get("sent"), "\\n")',
      '    for _, id in ipairs(t:get("ids")) do f:write(id, "\\n") end',
      '  end',
      '  f:close()',
      'end',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** wrk's latency figures ("850.00us", "1.20ms", "2.00s") in milliseconds. */
function ms(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 'ms' ? v : m[2] === 's' ? v * 1000 : v * 60_000;
}

export async function wrk(opts: WrkOptions): Promise<WrkResult> {
  const dir = await mkdtemp(join(tmpdir(), 'owctl-wrk-'));
  try {
    const script = join(dir, 'script.lua');
    const idsFile = join(dir, 'ids.txt');
    await writeFile(script, wrkScript(opts, idsFile));
    const args = ['-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency', '-s', script, opts.url];
    const run = await timed('wrk', args);
    if (run.exitCode !== 0)
      throw new Error(`wrk ${args.join(' ')} exited ${run.exitCode}:\n${outputTail(run)}`);
    const out = run.stdout;
    const pick = (re: RegExp) => re.exec(out)?.[1];
    const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const result: WrkResult = {
      requests: Number(pick(/(\d+) requests in/)),
      perSecond: Number(pick(/Requests\/sec:\s+([\d.]+)/)),
      p50Ms: ms(pick(/ 50%\s+(\S+)/)),
      p90Ms: ms(pick(/ 90%\s+(\S+)/)),
      p99Ms: ms(pick(/ 99%\s+(\S+)/)),
      non2xx: Number(pick(/Non-2xx or 3xx responses: (\d+)/) ?? 0),
      socketErrors: errors ? errors.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
    };
    if (opts.collectActivationIds) {
      const lines = (await readFile(idsFile, 'utf8')).split('\n').filter(Boolean);
      result.sent = lines.filter((l) => l.startsWith('sent ')).reduce((n, l) => n + Number(l.slice(5)), 0);
      result.activationIds = lines.filter((l) => !l.startsWith('sent '));
    }
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Basic authorization header value for `uuid:key`. */
export const basicAuth = (auth: string) => `Basic ${Buffer.from(auth).toString('base64')}`;

/** The node binary's path, for a baseline server running outside the platform. */
export const NODE = process.execPath;
