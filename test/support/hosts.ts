/**
 * Real SSH hosts for integration tests: network namespaces with their own sshd, created by
 * netns-hosts.sh. Needs root; tests skip (with the reason logged) when that is not available.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Host } from '../../engine/inventory/types.ts';

export interface TestHost {
  name: string;
  address: string;
  port: number;
  user: string;
  keyFile: string;
}

const SCRIPT = fileURLToPath(new URL('./netns-hosts.sh', import.meta.url));

export function testHostsDir(): string {
  return process.env.OWTEST_HOSTS_DIR || '/tmp/owctl-test-hosts';
}

/** known_hosts file listing every test host's key. */
export function testKnownHostsFile(): string {
  return `${testHostsDir()}/known_hosts`;
}

/** Why SSH test hosts cannot be created here, or undefined when they can. */
export function testHostsUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: network namespaces for SSH test hosts need root';
  if (!existsSync('/usr/sbin/sshd')) return '/usr/sbin/sshd is missing: install openssh-server';
  return undefined;
}

export function testHostsAvailable(): boolean {
  const reason = testHostsUnavailableReason();
  if (reason) console.warn(`skipping SSH host tests: ${reason}`);
  return reason === undefined;
}

/** Brings up (idempotently; restarts whatever is missing) at least n test hosts; returns the first n. */
export async function ensureTestHosts(n: number): Promise<TestHost[]> {
  try {
    execFileSync('bash', [SCRIPT, 'up', String(n)], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(
      `cannot start SSH test hosts with ${SCRIPT} up ${n}: ${stderr || (err as Error).message}`,
    );
  }
  return readHosts().slice(0, n);
}

function readHosts(): TestHost[] {
  const file = `${testHostsDir()}/hosts.json`;
  if (!existsSync(file)) return [];
  return JSON.parse(readFileSync(file, 'utf8')) as TestHost[];
}

/** An inventory Host for a test: `all` group, the given connection vars, nothing else. */
export function inventoryHost(name: string, vars: Record<string, unknown>): Host {
  return { name, groups: ['all'], vars: { deploy_dir: '/opt/owctl', ...vars } as Host['vars'] };
}

/** The inventory Host that reaches a test host over SSH, checking its key against the test known_hosts. */
export function sshInventoryHost(host: TestHost, vars: Record<string, unknown> = {}): Host {
  return inventoryHost(host.name, {
    ansible_connection: 'ssh',
    ansible_host: host.address,
    ansible_port: host.port,
    ansible_user: host.user,
    ansible_ssh_private_key_file: host.keyFile,
    ansible_ssh_extra_args: `-o UserKnownHostsFile=${testKnownHostsFile()}`,
    ...vars,
  });
}
