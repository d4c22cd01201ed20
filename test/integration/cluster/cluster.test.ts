/**
 * `owctl deploy` of environments/cluster-example onto three real SSH hosts (network namespaces
 * with their own addresses and sshd): the store, a controller and the gateway on the first, an
 * invoker on each of the others. From bare hosts (node and the release shipped over SFTP), then
 * invokes through the gateway, an idempotent redeploy, a rolling restart under steady load with no
 * failed request, an invoker host's processes killed while invokes keep succeeding, and a deploy
 * that brings it back.
 */
import { existsSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestHosts, testHostsAvailable } from '../../support/hosts.ts';
import { type ClusterEnvironment, clusterEnvironment, owctl, ROOT, recapOf, totals } from './environment.ts';
import { Load } from './load.ts';

const available = testHostsAvailable();

interface Status {
  apihost: string;
  auth: { guest: string };
  services: { name: string; host: string; pid: number | null; url: string; healthy: boolean }[];
}

/** Changes one setting of each of controller, invoker and gateway: a config rollout of all but the store. */
const ROLLOUT = [
  '-e',
  'invoker.idleTimeoutMs=600001',
  '-e',
  'gateway.maxBodyBytes=67108865',
  '-e',
  'actionLimits.payloadMaxBytes=1048577',
];

describe.skipIf(!available)('owctl deploy to a three-host cluster over SSH', () => {
  let env: ClusterEnvironment;
  let guest = '';
  const extra: string[] = [];

  async function deploy() {
    const res = await owctl(env, ['deploy', env.dir, '--json'], extra);
    if (res.exitCode !== 0) console.error(res.stdout.slice(-6000), res.stderr.slice(-3000));
    expect(res.exitCode).toBe(0);
    return recapOf(res.stdout);
  }

  async function status(): Promise<Status> {
    const res = await owctl(env, ['status', env.dir, '--json'], extra);
    expect([0, 2]).toContain(res.exitCode); // 2: some service is not healthy
    return JSON.parse(res.stdout) as Status;
  }

  async function api(method: string, path: string, body?: unknown) {
    const res = await request(`${env.apihost}/api/v1/namespaces/_/${path}`, {
      method: method as 'GET',
      headers: {
        authorization: `Basic ${Buffer.from(guest).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    env = clusterEnvironment(await ensureTestHosts(3));
  }, 60_000);

  afterAll(async () => {
    if (!env || process.env.OWCTL_KEEP_CLUSTER) return; // keep it to read the services' logs
    await owctl(env, ['teardown', env.dir, '--purge', '--yes', '--json'], extra);
    rmSync(dirname(env.dir), { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }, 60_000);

  it('deploys from bare hosts: node and the release shipped, services bound to each host', async () => {
    const recap = await deploy();
    expect(totals(recap).failed).toBe(0);
    for (const host of env.hosts) {
      const dir = env.deployDirs[host.name] as string;
      expect(existsSync(join(dir, 'node/bin/node'))).toBe(true);
      const release = readlinkSync(join(dir, 'release'));
      expect(readFileSync(join(release, '.owctl-release'), 'utf8').trim()).toBe(release.split('/').pop());
      expect(existsSync(join(release, 'node_modules/tsx'))).toBe(true);
      expect(existsSync(join(release, 'node_modules/vitest'))).toBe(false);
    }

    const s = await status();
    guest = s.auth.guest;
    expect(s.apihost).toBe(env.apihost);
    const [h1, h2, h3] = env.hosts.map((h) => h.name);
    const placed = Object.fromEntries(s.services.map((svc) => [svc.name, svc.host]));
    expect(placed).toEqual({ couchdb: h1, controller0: h1, gateway: h1, invoker0: h2, invoker1: h3 });
    for (const svc of s.services) {
      expect(svc.healthy).toBe(true);
      const host = env.hosts.find((h) => h.name === svc.host);
      expect(new URL(svc.url).hostname).toBe(host?.address);
    }

    const logs = await owctl(env, ['logs', env.dir, 'invoker1', '-n', '50']);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toContain('invoker started');
  }, 120_000);

  it('invokes actions through the gateway', async () => {
    const wskprops = join(env.home, env.name, 'wskprops');
    const echo = await execa(
      'node',
      [
        join(ROOT, 'bin/wsk.js'),
        'action',
        'invoke',
        '/whisk.system/utils/echo',
        '-p',
        'message',
        'hi',
        '--result',
      ],
      { env: { ...process.env, WSK_CONFIG_FILE: wskprops }, reject: false },
    );
    expect(echo.exitCode).toBe(0);
    expect(JSON.parse(echo.stdout)).toEqual({ message: 'hi' });

    const put = await api('PUT', 'actions/hello?overwrite=true', {
      exec: { kind: 'nodejs:20', code: 'function main(a) { return { greeting: "hello " + a.name }; }' },
    });
    expect(put.status).toBe(200);
    const load = new Load({ apihost: env.apihost, auth: guest, action: 'hello', expectKey: 'greeting' });
    await Promise.all(Array.from({ length: 10 }, () => load.one()));
    const report = await load.stop();
    expect(report.failures).toEqual([]);
  }, 60_000);

  it('redeploys with changed 0', async () => {
    const recap = await deploy();
    expect(totals(recap)).toEqual({ changed: 0, failed: 0, unreachable: 0 });
  }, 60_000);

  it('rolls a config change out host by host under load without failing a request', async () => {
    const before = await status();
    const load = new Load({ apihost: env.apihost, auth: guest, action: 'hello', expectKey: 'greeting' });
    load.start(20);
    await new Promise((r) => setTimeout(r, 1500));
    extra.push(...ROLLOUT);
    const recap = await deploy();
    await new Promise((r) => setTimeout(r, 1500));
    const report = await load.stop();

    expect(totals(recap).failed).toBe(0);
    const after = await status();
    const pid = (s: Status, name: string) => s.services.find((svc) => svc.name === name)?.pid;
    for (const name of ['controller0', 'invoker0', 'invoker1', 'gateway']) {
      expect(pid(after, name)).not.toBe(pid(before, name));
    }
    expect(pid(after, 'couchdb')).toBe(pid(before, 'couchdb'));
    console.log(
      'rolling restart under load:',
      JSON.stringify({ ...report, failures: report.failures.length }),
    );
    expect(report.failures).toEqual([]);
    expect(report.succeeded).toBeGreaterThan(100);
  }, 180_000);

  it('keeps invokes succeeding when an invoker host dies, and a deploy brings it back', async () => {
    const h3 = env.hosts[2]?.name as string;
    const pidFile = join(env.deployDirs[h3] as string, 'state/run/invoker1.pid');
    const supervisor = Number(readFileSync(pidFile, 'utf8').trim());
    const child = (await status()).services.find((s) => s.name === 'invoker1')?.pid;
    expect(supervisor).toBeGreaterThan(0);
    expect(child).toBeGreaterThan(0);

    // Slow activations in flight when the host dies: each must end up recorded, none lost.
    const inflight: string[] = [];
    for (const n of [0, 1, 2, 3]) {
      const code =
        'function main() { return new Promise((r) => setTimeout(() => r({ done: true }), 4000)); }';
      expect(
        (await api('PUT', `actions/slow${n}?overwrite=true`, { exec: { kind: 'nodejs:20', code } })).status,
      ).toBe(200);
      const res = await api('POST', `actions/slow${n}`, {});
      expect(res.status).toBe(202);
      inflight.push(res.body.activationId as string);
    }
    const load = new Load({ apihost: env.apihost, auth: guest, action: 'hello', expectKey: 'greeting' });
    load.start(20);
    await new Promise((r) => setTimeout(r, 1000));
    process.kill(supervisor, 'SIGKILL');
    process.kill(child as number, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 12_000));
    const report = await load.stop();
    console.log(
      'invoker host died under load:',
      JSON.stringify({ ...report, failures: report.failures.length }),
    );
    expect(report.failures).toEqual([]);
    const records = await Promise.all(inflight.map((id) => api('GET', `activations/${id}`)));
    const outcomes = records.map((r) => (r.body.response as { status?: string } | undefined)?.status);
    expect(records.every((r) => r.status === 200)).toBe(true);
    expect(outcomes).toContain('whisk internal error'); // the ones the dead invoker ran
    expect(outcomes.every((o) => o === 'success' || o === 'whisk internal error')).toBe(true);

    const down = await status();
    expect(down.services.find((s) => s.name === 'invoker1')?.healthy).toBe(false);
    const recap = await deploy();
    expect(recap[h3]?.changed).toBeGreaterThan(0);
    expect((await status()).services.every((s) => s.healthy)).toBe(true);
  }, 120_000);

  it('reports a host it cannot reach with the reason and deploys the others', async () => {
    const h3 = env.hosts[2] as { name: string };
    const hostVars = join(env.dir, 'host_vars', `${h3.name}.yml`);
    const saved = readFileSync(hostVars, 'utf8');
    writeFileSync(hostVars, `${saved}ansible_port: 1\n`); // nothing listens there: connection refused
    try {
      const res = await owctl(env, ['deploy', env.dir, '--json'], extra);
      expect(res.exitCode).not.toBe(0);
      const recap = recapOf(res.stdout);
      expect(recap[h3.name]?.unreachable).toBeGreaterThan(0);
      expect(res.stdout).toContain(
        `connection refused by ${(env.hosts[2] as { address: string }).address}:1`,
      );
      for (const other of env.hosts.slice(0, 2)) {
        expect(recap[other.name]).toMatchObject({ failed: 0, unreachable: 0, changed: 0 });
      }
    } finally {
      writeFileSync(hostVars, saved);
    }
  }, 60_000);
});
