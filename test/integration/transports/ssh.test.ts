import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../engine/inventory/types.ts';
import { TransportPool } from '../../../engine/transports/pool.ts';
import { type Transport, UnreachableError } from '../../../engine/transports/transport.ts';
import {
  ensureTestHosts,
  sshInventoryHost,
  type TestHost,
  testHostsAvailable,
  testKnownHostsFile,
} from '../../support/hosts.ts';

const available = testHostsAvailable();

describe.skipIf(!available)('ssh transport against real sshd in network namespaces', () => {
  let hosts: TestHost[];
  let pool: TransportPool;
  let h1: Transport;
  let scratch: string;
  const work = `/tmp/owctl-ssh-test-${process.pid}`;

  beforeAll(async () => {
    hosts = await ensureTestHosts(2);
    pool = new TransportPool();
    h1 = pool.get(sshInventoryHost(hosts[0]!));
    scratch = mkdtempSync(`${tmpdir()}/owctl-ssh-test-`);
  });

  afterAll(async () => {
    await h1?.exec(`rm -rf ${work}`);
    await pool?.closeAll();
  });

  /** Connects a fresh transport for `host` and returns the UnreachableError it must fail with. */
  async function unreachable(host: Host): Promise<UnreachableError> {
    const single = new TransportPool();
    try {
      await single.get(host).exec('true');
    } catch (err) {
      expect(err).toBeInstanceOf(UnreachableError);
      return err as UnreachableError;
    } finally {
      await single.closeAll();
    }
    throw new Error(`expected ${host.name} to be unreachable`);
  }

  it('runs commands with their exit code, stdout and stderr, streaming output as it comes', async () => {
    const chunks: Array<{ text: string; at: number }> = [];
    const res = await h1.exec('echo one; sleep 0.3; echo two; echo oops >&2; exit 7', {
      onStdout: (text) => chunks.push({ text, at: Date.now() }),
    });
    const ended = Date.now();
    expect(res.exitCode).toBe(7);
    expect(res.stdout).toBe('one\ntwo\n');
    expect(res.stderr).toBe('oops\n');
    expect(res.timedOut).toBe(false);
    expect(chunks.map((c) => c.text).join('')).toBe(res.stdout);
    expect(ended - chunks[0]!.at).toBeGreaterThanOrEqual(250);
  });

  it('passes env, cwd and stdin, and runs as the host (its own network namespace)', async () => {
    const res = await h1.exec('printf "%s|%s|" "$GREETING" "$(pwd)"; cat; ip -4 -o addr show eth0', {
      env: { GREETING: "it's here" },
      cwd: '/tmp',
      stdin: 'from stdin',
    });
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toContain("it's here|/tmp|from stdin");
    expect(res.stdout).toContain(hosts[0]!.address);
  });

  it('kills a command on the host when it exceeds its timeout', async () => {
    const marker = `owctl-timeout-${process.pid}`;
    const res = await h1.exec(`sleep 30; echo ${marker}`, { timeoutMs: 300 });
    expect(res.timedOut).toBe(true);
    expect(res.exitCode).not.toBe(0);
    expect(res.durationMs).toBeLessThan(3000);
    const ps = await h1.exec('ps -eo args');
    expect(ps.stdout).not.toContain('sleep 30; echo');
  });

  it('writes, reads and stats files over SFTP: parents created, exact mode, binary-safe, atomic', async () => {
    const path = `${work}/a/b/config.bin`;
    const data = Buffer.from([0, 1, 2, 255, 10, 13, 0]);
    await h1.writeFile(path, data, { mode: 0o640 });
    expect(await h1.readFile(path)).toEqual(data);
    const st = await h1.stat(path);
    expect(st).toMatchObject({
      isFile: true,
      isDirectory: false,
      isSymlink: false,
      mode: 0o640,
      uid: 0,
      size: 7,
    });
    await h1.writeFile(path, 'second version\n');
    expect((await h1.readFile(path))?.toString()).toBe('second version\n');
    expect((await h1.stat(path))?.mode).toBe(0o640);
    expect((await h1.exec(`ls -A ${work}/a/b`)).stdout.trim()).toBe('config.bin');
    expect((await h1.stat(`${work}/a`))?.isDirectory).toBe(true);
  });

  it('reports missing files as undefined and does not follow a final symlink', async () => {
    expect(await h1.readFile(`${work}/missing`)).toBeUndefined();
    expect(await h1.stat(`${work}/missing/deeper`)).toBeUndefined();
    await h1.exec(`mkdir -p ${work} && ln -sfn /nonexistent ${work}/dangling`);
    expect(await h1.stat(`${work}/dangling`)).toMatchObject({ isSymlink: true, isFile: false });
  });

  it('becomes root without sudo when already logged in as root', async () => {
    const res = await h1.exec('id -u', { become: true });
    expect(res.stdout.trim()).toBe('0');
    await h1.writeFile(`${work}/root-owned`, 'x', { become: true, mode: 0o600 });
    expect(await h1.stat(`${work}/root-owned`)).toMatchObject({ uid: 0, mode: 0o600 });
  });

  it('shares one connection across 50 concurrent commands', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => h1.exec(`echo "$SSH_CONNECTION" ${i}; sleep 0.05`)),
    );
    expect(results.every((r) => r.exitCode === 0)).toBe(true);
    expect(results.map((r) => r.stdout.trim().split(' ').pop())).toEqual(results.map((_, i) => String(i)));
    const clientEnds = new Set(results.map((r) => r.stdout.split(' ').slice(0, 2).join(' ')));
    expect(clientEnds.size).toBe(1);
    // The same connection keeps serving later tasks.
    const again = await h1.exec('echo "$SSH_CONNECTION"');
    expect(clientEnds.has(again.stdout.split(' ').slice(0, 2).join(' '))).toBe(true);
  });

  it('reconnects after the pooled connection was closed', async () => {
    const host = sshInventoryHost(hosts[1]!);
    const local = new TransportPool();
    const t = local.get(host);
    expect((await t.exec('hostname -I')).stdout).toContain(hosts[1]!.address);
    await t.close();
    expect((await t.exec('echo back')).stdout).toBe('back\n');
    await local.closeAll();
  });

  it('reports a connection lost under a running command as unreachable, then reconnects', async () => {
    const local = new TransportPool();
    const t = local.get(sshInventoryHost(hosts[1]!));
    // The command's parent is the sshd process serving this connection: killing it drops the link.
    await expect(t.exec('kill -9 $PPID; sleep 2')).rejects.toThrow(
      /unreachable: the SSH connection was lost/,
    );
    expect((await t.exec('echo again')).stdout).toBe('again\n');
    await local.closeAll();
  });

  it('reports a refused connection as unreachable with the reason', async () => {
    const err = await unreachable(sshInventoryHost(hosts[0]!, { ansible_port: 2222 }));
    expect(err.hostName).toBe(hosts[0]!.name);
    expect(err.message).toMatch(/connection refused by 10\.213\.0\.\d+:2222/);
  });

  it('reports an address nobody answers on as unreachable within ansible_ssh_timeout', async () => {
    const started = Date.now();
    const err = await unreachable(
      sshInventoryHost(hosts[0]!, { ansible_host: '10.213.0.250', ansible_ssh_timeout: 1 }),
    );
    expect(err.message).toMatch(/timed out after 1s|no route to 10\.213\.0\.250/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a host whose key does not match known_hosts, and says how to fix it', async () => {
    const known = `${scratch}/known_hosts_wrong`;
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${scratch}/other`]);
    const otherKey = readFileSync(`${scratch}/other.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(known, `${hosts[0]!.address} ${otherKey}\n`);
    const err = await unreachable(
      sshInventoryHost(hosts[0]!, { ansible_ssh_extra_args: `-o UserKnownHostsFile=${known}` }),
    );
    expect(err.message).toMatch(/does not match .*known_hosts_wrong:1/);
    expect(err.message).toContain(`ssh-keygen -R '${hosts[0]!.address}'`);
    expect(err.message).toContain('host_key_checking: false');
  });

  it('refuses an unknown host, unless host key checking is off', async () => {
    const empty = `${scratch}/known_hosts_empty`;
    writeFileSync(empty, '');
    const extra = `-o UserKnownHostsFile=${empty}`;
    const err = await unreachable(sshInventoryHost(hosts[0]!, { ansible_ssh_extra_args: extra }));
    expect(err.message).toMatch(/is not in .*known_hosts_empty; add it with ssh-keyscan/);

    for (const vars of [
      { ansible_ssh_extra_args: extra, host_key_checking: false },
      { ansible_ssh_extra_args: `${extra} -o StrictHostKeyChecking=no` },
    ]) {
      const single = new TransportPool();
      expect((await single.get(sshInventoryHost(hosts[0]!, vars)).exec('echo in')).stdout).toBe('in\n');
      await single.closeAll();
    }
  });

  it('accepts hashed known_hosts entries', async () => {
    const hashed = `${scratch}/known_hosts_hashed`;
    writeFileSync(hashed, readFileSync(testKnownHostsFile()));
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed], { stdio: 'ignore' });
    expect(readFileSync(hashed, 'utf8')).toMatch(/^\|1\|/);
    const single = new TransportPool();
    const t = single.get(
      sshInventoryHost(hosts[0]!, { ansible_ssh_extra_args: `-o UserKnownHostsFile=${hashed}` }),
    );
    expect((await t.exec('echo hashed')).stdout).toBe('hashed\n');
    await single.closeAll();
  });

  it('reports a key the host does not accept as an authentication failure', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${scratch}/stranger`]);
    const err = await unreachable(
      sshInventoryHost(hosts[0]!, { ansible_ssh_private_key_file: `${scratch}/stranger` }),
    );
    expect(err.message).toMatch(/authentication as root failed \(tried key .*stranger/);
  });
});
