/**
 * The engine end to end over real SSH: `owctl playbook --json` as a real process against two sshd
 * hosts in network namespaces (plus one address with nobody behind it), with an environment folder
 * written at test time. The hosts share this machine's filesystem, so results are read locally.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSshEnvironment } from '../../fixtures/ssh-sample/environment.ts';
import {
  ensureTestHosts,
  type TestHost,
  testHostsAvailable,
  testKnownHostsFile,
} from '../../support/hosts.ts';

const exec = promisify(execFile);
const PLAYBOOK = 'test/fixtures/ssh-sample/playbook.ts';
const TASKS = 10;
/** A first deploy: every task changes except the read-only probe, plus the handler the template notified. */
const FIRST_RUN_RECAP = { ok: TASKS + 1, changed: TASKS, failed: 0, skipped: 0, unreachable: 0 };

interface Outcome {
  code: number;
  stderr: string;
  lines: Array<Record<string, unknown>>;
  recap: Record<string, Record<string, number>>;
}

describe.skipIf(!testHostsAvailable())('owctl playbook over SSH (network-namespace hosts)', () => {
  let work: string;
  let hosts: TestHost[];
  let env: string;

  beforeAll(async () => {
    hosts = await ensureTestHosts(2);
    work = await mkdtemp(join(tmpdir(), 'owctl-engine-ssh-'));
    env = await environment('two-hosts', hosts);
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function environment(
    name: string,
    members: Array<Omit<TestHost, 'user' | 'keyFile'> & { vars?: Record<string, unknown> }>,
  ) {
    return await writeSshEnvironment(join(work, name), members, {
      user: 'root',
      keyFile: hosts[0]!.keyFile,
      knownHostsFile: testKnownHostsFile(),
      deployRoot: join(work, `deploy-${name}`),
      vars: { app_name: 'sample', app_version: '1' },
    });
  }

  async function owctl(envDir: string, ...args: string[]): Promise<Outcome> {
    let code = 0;
    let stdout = '';
    let stderr = '';
    try {
      ({ stdout, stderr } = await exec(
        'node',
        ['bin/owctl.js', 'playbook', PLAYBOOK, '-i', envDir, '--json', ...args],
        {
          env: { ...process.env, OWCTL_HOME: join(work, 'home') },
        },
      ));
    } catch (err) {
      ({ code, stdout, stderr } = err as { code: number; stdout: string; stderr: string });
    }
    const lines = stdout
      .trimEnd()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const recap = (lines.at(-1)?.recap ?? {}) as Outcome['recap'];
    return { code, stderr, lines, recap };
  }

  const deployed = (host: string, path: string) =>
    readFile(join(work, 'deploy-two-hosts', host, path), 'utf8');
  /** conf/motd as the sample's template renders it for `app_version`. */
  const motd = (host: string, version: number) =>
    `Welcome to ${host} (sample ${version})\nDeployed in ${join(work, 'deploy-two-hosts', host)}\n`;

  it('deploys on the first run and changes nothing on the second', async () => {
    const first = await owctl(env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    for (const { name } of hosts) {
      expect(first.recap[name]).toEqual(FIRST_RUN_RECAP);
      expect(await deployed(name, 'conf/motd')).toBe(motd(name, 1));
      expect(await deployed(name, 'conf/app.env')).toBe(`APP_NAME=sample\nAPP_HOST=${name}\n`);
      expect(await deployed(name, 'current/motd')).toContain(name);
      expect(await deployed(name, 'data/seed.txt')).toBe('seeded\n');
      expect(await deployed(name, 'logs/reloads.log')).toBe('reloaded\n');
    }
    const handler = first.lines.find((l) => l.event === 'handler' && l.host === hosts[1]!.name);
    expect(handler).toMatchObject({ task: 'reload app', status: 'changed' });

    const second = await owctl(env, '--expect-no-changes');
    expect(second.code).toBe(0);
    for (const { name } of hosts) {
      expect(second.recap[name]).toEqual({ ok: TASKS, changed: 0, failed: 0, skipped: 0, unreachable: 0 });
      expect(await deployed(name, 'logs/reloads.log')).toBe('reloaded\n');
    }
    const guarded = second.lines.find((l) => l.task === 'initialise once');
    expect(guarded).toMatchObject({
      status: 'ok',
      msg: expect.stringMatching(/skipped: .*initialized exists/),
    });
  });

  it('--check reports the template change without touching the hosts; --expect-no-changes makes it exit 3', async () => {
    // Check mode writes nothing (not even the run journal), so both runs can go at once.
    const [check, drift] = await Promise.all([
      owctl(env, '--check', '-e', 'app_version=2'),
      owctl(env, '--check', '--expect-no-changes', '-e', 'app_version=2'),
    ]);
    expect(check.code).toBe(0);
    for (const { name } of hosts) {
      expect(check.recap[name]).toMatchObject({ changed: 1, failed: 0, unreachable: 0 });
      expect(await deployed(name, 'conf/motd')).toContain('(sample 1)');
      expect(await deployed(name, 'logs/reloads.log')).toBe('reloaded\n');
    }
    const task = check.lines.find((l) => l.task === 'motd');
    expect(task).toMatchObject({ status: 'changed', msg: expect.stringMatching(/^would update content of/) });
    expect(task?.diff).toBeUndefined();

    expect(drift.code).toBe(3);
    expect(drift.lines.find((l) => l.event === 'warning')?.msg).toMatch(/motd/);
  });

  it('--diff shows the template change it makes, and the handler runs once for it', async () => {
    const run = await owctl(env, '--diff', '-e', 'app_version=2');
    expect(run.code).toBe(0);
    for (const { name } of hosts) {
      expect(run.recap[name]).toMatchObject({ changed: 2, failed: 0 });
      const task = run.lines.find((l) => l.task === 'motd' && l.host === name);
      const dest = join(work, 'deploy-two-hosts', name, 'conf/motd');
      expect(task?.diff).toEqual([{ target: dest, before: motd(name, 1), after: motd(name, 2) }]);
      expect(await deployed(name, 'conf/motd')).toContain('(sample 2)');
      expect(await deployed(name, 'logs/reloads.log')).toBe('reloaded\nreloaded\n');
    }
  });

  it('marks a host nobody answers for as unreachable (exit 4) while the others finish', async () => {
    // An address on the test bridge's subnet with no namespace behind it.
    const downAddress = hosts[0]!.address.replace(/\.\d+$/, '.99');
    const withDown = await environment('with-down-host', [
      ...hosts,
      { name: 'owtest-down', address: downAddress, port: 22, vars: { ansible_ssh_timeout: 2 } },
    ]);
    const run = await owctl(withDown);
    expect(run.code).toBe(4);
    expect(run.recap['owtest-down']).toEqual({ ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 1 });
    for (const { name } of hosts) expect(run.recap[name]).toEqual(FIRST_RUN_RECAP);
    const unreachable = run.lines.find((l) => l.event === 'unreachable');
    expect(unreachable).toMatchObject({ host: 'owtest-down', task: 'deploy dir' });
    expect(String(unreachable?.msg)).toContain(`${downAddress}:22`);
  });
});
