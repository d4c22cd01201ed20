/**
 * Real SSH hosts for integration tests: network namespaces with their own sshd, created by
 * netns-hosts.sh. Needs root; tests skip (with the reason logged) when that is not available.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
  const count = Math.max(n, readHosts().length);
  try {
    execFileSync('bash', [SCRIPT, 'up', String(count)], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(
      `cannot start SSH test hosts with ${SCRIPT} up ${count}: ${stderr || (err as Error).message}`,
    );
  }
  return readHosts().slice(0, n);
}

function readHosts(): TestHost[] {
  const file = `${testHostsDir()}/hosts.json`;
  if (!existsSync(file)) return [];
  return JSON.parse(readFileSync(file, 'utf8')) as TestHost[];
}
