/**
 * The platform's speed on a real `owctl deploy local` (issue 3): warm blocking no-op invokes
 * through the gateway at 1 connection (latency) and 16 connections (throughput, every record
 * persisted and counted in the store afterwards), and process-mode cold start (action create to
 * first result). Baselines measured in the same run: a bare node:http server answering the same
 * JSON (the floor of one HTTP hop), and an authenticated GET of the action through gateway and
 * controller (the edge without the invoker). CPU time per invoke of every service (from /proc)
 * shows where the time goes, independent of what else the machine is doing.
 * The machine may be shared (tests, builds): every wrk measurement runs OWCTL_BENCH_ROUNDS times
 * (default 3), the table gives the median round and the best one, and the load average at the
 * start, so a figure can be read against what else was running. OWCTL_BENCH_SECONDS=N sets the
 * length of each wrk run (default 5).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { freePort } from '../test/support/ports.ts';
import {
  basicAuth,
  cpuSeconds,
  deployLocal,
  type LocalDeployment,
  NODE,
  servicePids,
  type WrkResult,
  wrk,
} from './support/platform.ts';
import { type BenchResult, type BenchRow, row } from './support/report.ts';

const SECONDS = Number(process.env.OWCTL_BENCH_SECONDS ?? 5);
const ROUNDS = Math.max(1, Number(process.env.OWCTL_BENCH_ROUNDS ?? 3));
const CONNECTIONS = 16;
const COLD_STARTS = 5;
const NOOP = 'function main() { return {}; }';
/** Throttles high enough that the load test measures the platform, not its limits. */
const LOAD_VARS = [
  'limits.invocationsPerMinute=1000000000',
  'limits.concurrentInvocations=100000',
  'limits.concurrentInvocationsSystem=100000',
];

function log(line: string): void {
  process.stderr.write(`[platform bench] ${line}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** A node:http server answering `{}` to everything: one HTTP hop and nothing else. */
async function startBareServer(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const code = `
    const body = '{}';
    require('node:http').createServer((req, res) => {
      req.on('data', () => {});
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
        res.end(body);
      });
    }).listen(${port}, '127.0.0.1', () => process.stdout.write('ready\\n'));`;
  const child = spawn(NODE, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', () => resolve());
  });
  return { url: `http://127.0.0.1:${port}/`, child };
}

class Api {
  private readonly headers: Record<string, string>;

  constructor(private readonly d: LocalDeployment) {
    this.headers = { authorization: basicAuth(d.auth), 'content-type': 'application/json' };
  }

  get authorization(): string {
    return this.headers.authorization ?? '';
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${this.d.apihost}${path}`, {
      method,
      headers: this.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  async createAction(name: string): Promise<void> {
    const r = await this.call('PUT', `/api/v1/namespaces/_/actions/${name}?overwrite=true`, {
      exec: { kind: 'nodejs:20', code: NOOP },
    });
    if (r.status !== 200)
      throw new Error(`creating action ${name} answered ${r.status}: ${JSON.stringify(r.json)}`);
  }

  async invoke(name: string): Promise<void> {
    const r = await this.call('POST', `/api/v1/namespaces/_/actions/${name}?blocking=true&result=true`, {});
    if (r.status !== 200) throw new Error(`invoking ${name} answered ${r.status}: ${JSON.stringify(r.json)}`);
  }
}

class Store {
  private readonly base: string;
  private readonly authorization: string;

  constructor(d: LocalDeployment) {
    const url = new URL(d.dbUrl);
    this.authorization = basicAuth(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`);
    url.username = '';
    url.password = '';
    this.base = `${url.origin}/${d.dbPrefix}activations`;
    this.statsUrl = `${url.origin}/_node/_local/_stats/couchdb/httpd_request_methods`;
  }

  private readonly statsUrl: string;

  private async get(url: string, init: RequestInit = {}): Promise<unknown> {
    const res = await fetch(url, {
      ...init,
      headers: { authorization: this.authorization, 'content-type': 'application/json' },
    });
    if (!res.ok)
      throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${await res.text()}`);
    return await res.json();
  }

  async docCount(): Promise<number> {
    return ((await this.get(this.base)) as { doc_count: number }).doc_count;
  }

  /** Requests the store has served, by method. */
  async requests(): Promise<Record<string, number>> {
    const stats = (await this.get(this.statsUrl)) as Record<string, { value: number }>;
    return Object.fromEntries(Object.entries(stats).map(([m, s]) => [m, s.value]));
  }

  /** How many of the activation records (`guest/{id}`) are stored. */
  async countStored(ids: string[]): Promise<number> {
    let found = 0;
    for (let i = 0; i < ids.length; i += 2000) {
      const keys = ids.slice(i, i + 2000).map((id) => `guest/${id}`);
      const res = (await this.get(`${this.base}/_all_docs`, {
        method: 'POST',
        body: JSON.stringify({ keys }),
      })) as { rows: { error?: string; value?: { deleted?: boolean } }[] };
      found += res.rows.filter((r) => !r.error && !r.value?.deleted).length;
    }
    return found;
  }

  /** Waits until the count stops growing (the invoker's batches are written). */
  async settledCount(expected: number, timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last = await this.docCount();
    while (Date.now() < deadline && last < expected) {
      await sleep(200);
      last = await this.docCount();
    }
    await sleep(300);
    return await this.docCount();
  }
}

interface Measured {
  result: WrkResult;
  /** CPU microseconds per request, by service. */
  cpu: Record<string, number>;
}

/** The round whose services used the least CPU in all: the one least disturbed by other work. */
function leastCpu(rounds: Measured[]): Record<string, number> {
  const total = (m: Measured) => Object.values(m.cpu).reduce((a, b) => a + b, 0);
  return rounds.reduce((best, m) => (total(m) < total(best) ? m : best)).cpu;
}

/** CPU microseconds per request of every service during `work`. */
async function cpuPerRequest(
  pids: Record<string, number>,
  work: () => Promise<WrkResult>,
): Promise<Measured> {
  const before = await cpuSeconds(pids);
  const result = await work();
  const after = await cpuSeconds(pids);
  const cpu: Record<string, number> = {};
  for (const name of Object.keys(pids)) {
    cpu[name] = ((after[name]! - before[name]!) / Math.max(1, result.requests)) * 1e6;
  }
  return { result, cpu };
}

function cpuRows(label: string, cpu: Record<string, number>): BenchRow[] {
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  return [
    ...Object.entries(cpu).map(([svc, us]) => row(`${label}: CPU per invoke, ${svc}`, us, 'µs')),
    row(`${label}: CPU per invoke, all services`, total, 'µs'),
  ];
}

async function coldStarts(api: Api): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    // Let the invoker start the replacement stem cell first, as between two users' creates.
    await sleep(1000);
    const name = `cold${i}_${Date.now()}`;
    const started = performance.now();
    await api.createAction(name);
    await api.invoke(name);
    times.push(performance.now() - started);
  }
  return times;
}

export async function run(): Promise<BenchResult> {
  const loadAtStart = loadavg()[0]!.toFixed(1);
  log('deploying a fresh local environment…');
  const { deployment } = await deployLocal(LOAD_VARS);
  const bare = await startBareServer();
  try {
    const api = new Api(deployment);
    const store = new Store(deployment);
    const pids = await servicePids(deployment.home);
    const invokeUrl = `${deployment.apihost}/api/v1/namespaces/_/actions/noop?blocking=true&result=true`;
    const post = {
      method: 'POST',
      body: '{}',
      headers: { authorization: api.authorization, 'content-type': 'application/json' },
    };

    log('cold starts (create → first result)…');
    const cold = await coldStarts(api);

    await api.createAction('noop');
    await api.invoke('noop');
    log('warming up containers…');
    await wrk({ url: invokeUrl, connections: CONNECTIONS, seconds: 2, ...post });

    log('baselines…');
    const bare1 = await wrk({ url: bare.url, connections: 1, seconds: SECONDS, ...post });
    const bare16 = await wrk({ url: bare.url, connections: CONNECTIONS, seconds: SECONDS, ...post });
    const edge1 = await wrk({
      url: `${deployment.apihost}/api/v1/namespaces/_/actions/noop`,
      connections: 1,
      seconds: SECONDS,
      headers: { authorization: api.authorization },
    });

    log(`store requests while idle for ${SECONDS} s…`);
    const idleBefore = await store.requests();
    await sleep(SECONDS * 1000);
    const idleGets = ((await store.requests()).GET ?? 0) - (idleBefore.GET ?? 0);

    log(`warm latency (1 connection, ${ROUNDS} rounds)…`);
    const latency: Measured[] = [];
    let storeGets = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const before = await store.requests();
      latency.push(
        await cpuPerRequest(pids, () => wrk({ url: invokeUrl, connections: 1, seconds: SECONDS, ...post })),
      );
      storeGets += ((await store.requests()).GET ?? 0) - (before.GET ?? 0);
    }

    log(`warm throughput (${CONNECTIONS} connections, ${ROUNDS} rounds, every record persisted)…`);
    const load: Measured[] = [];
    let answered = 0;
    let answeredStored = 0;
    let sentTotal = 0;
    let storedTotal = 0;
    let failed = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const countBefore = await store.docCount();
      const m = await cpuPerRequest(pids, () =>
        wrk({
          url: invokeUrl,
          connections: CONNECTIONS,
          seconds: SECONDS,
          collectActivationIds: true,
          ...post,
        }),
      );
      const ids = m.result.activationIds ?? [];
      const sent = m.result.sent ?? 0;
      const stored = (await store.settledCount(countBefore + sent)) - countBefore;
      const storedOfAnswered = await store.countStored(ids);
      if (storedOfAnswered !== ids.length) {
        throw new Error(
          `only ${storedOfAnswered} of the ${ids.length} answered activations are in the store; the throughput figure is void`,
        );
      }
      failed += m.result.non2xx + m.result.socketErrors;
      log(
        `round ${i + 1}: ${m.result.perSecond.toFixed(0)}/s; sent ${sent}, answered 200: ${ids.length}, ` +
          `stored ${stored} (${sent - ids.length} cut off in flight by wrk's stop)`,
      );
      answered += ids.length;
      answeredStored += storedOfAnswered;
      sentTotal += sent;
      storedTotal += stored;
      load.push(m);
    }

    const p50s = latency.map((m) => m.result.p50Ms);
    const rates = load.map((m) => m.result.perSecond);
    const byP50 = [...latency].sort((a, b) => a.result.p50Ms - b.result.p50Ms);
    const mid = byP50[Math.floor(byP50.length / 2)]!;
    const rows: BenchRow[] = [
      row('warm invoke p50, 1 connection (median round)', median(p50s), 'ms', bare1.p50Ms),
      row('warm invoke p50, 1 connection (best round)', Math.min(...p50s), 'ms', bare1.p50Ms),
      row('warm invoke p90, 1 connection (median round)', mid.result.p90Ms, 'ms', bare1.p90Ms),
      row('warm invoke p99, 1 connection (median round)', mid.result.p99Ms, 'ms', bare1.p99Ms),
      row('GET action via gateway+controller p50 (no invoker)', edge1.p50Ms, 'ms', bare1.p50Ms),
      row(`warm invokes/s, ${CONNECTIONS} connections (median round)`, median(rates), '/s'),
      row(`warm invokes/s, ${CONNECTIONS} connections (best round)`, Math.max(...rates), '/s'),
      row(`bare node:http requests/s, ${CONNECTIONS} connections`, bare16.perSecond, '/s'),
      row('invokes answered 200 (all rounds)', answered, 'invokes'),
      row('invokes failed (non-2xx or socket errors)', failed, 'invokes'),
      row('their activation records found in the store', answeredStored, 'records', answered),
      // wrk's stop cuts the requests in flight: the platform still runs and stores them.
      row(
        'records stored in all (answered + cut off by wrk, ≤ requests wrk generated)',
        storedTotal,
        'records',
        sentTotal,
      ),
      row('store GET requests during the warm latency runs', storeGets, 'requests'),
      row(
        `store GET requests while idle for as long (periodic polls, not invokes)`,
        idleGets * ROUNDS,
        'requests',
      ),
      row(
        'store GET requests per 1000 warm invokes, net of the idle rate',
        (Math.max(0, storeGets - idleGets * ROUNDS) * 1000) /
          Math.max(
            1,
            latency.reduce((n, m) => n + m.result.requests, 0),
          ),
        'requests',
      ),
      row('cold start p50 (create → first result)', median(cold), 'ms'),
      row('cold start max', Math.max(...cold), 'ms'),
      ...cpuRows('1 connection', leastCpu(latency)),
      ...cpuRows(`${CONNECTIONS} connections`, leastCpu(load)),
    ];
    return {
      name: 'platform',
      description:
        'owctl deploy local (process containers, embedded CouchDB) under wrk on 127.0.0.1; baselines: bare node:http, ' +
        `and GET through gateway+controller; load average at start ${loadAtStart}; CPU rows: least-disturbed round`,
      rows,
    };
  } finally {
    bare.child.kill();
    log('tearing down…');
    await deployment.destroy();
  }
}
