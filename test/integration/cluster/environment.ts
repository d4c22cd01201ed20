/**
 * A copy of environments/cluster-example pointed at the netns SSH test hosts: the same group_vars
 * and groups (store, controller and gateway on the first host, invokers on the other two), with
 * each host's deploy_dir in its own folder (the namespaces share this machine's filesystem) and
 * service ports picked at random so concurrent runs do not collide. Also drives owctl for tests
 * and the cluster benchmark.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import type { TestHost } from '../../support/hosts.ts';
import { testKnownHostsFile } from '../../support/hosts.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
const EXAMPLE = join(ROOT, 'environments/cluster-example');

export interface ClusterEnvironment {
  /** The environment folder (its basename is the environment name). */
  dir: string;
  name: string;
  /** OWCTL_HOME for owctl runs against it. */
  home: string;
  /** Each test host's deploy_dir. */
  deployDirs: Record<string, string>;
  hosts: TestHost[];
  /** -e arguments every owctl run passes (ports). */
  vars: string[];
  apihost: string;
}

export interface Recap {
  [host: string]: { ok: number; changed: number; failed: number; skipped: number; unreachable: number };
}

function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

/** Writes the environment under a fresh temp folder; nothing is deployed yet. */
export function clusterEnvironment(hosts: TestHost[], opts: { nodePath?: string } = {}): ClusterEnvironment {
  if (hosts.length < 3) throw new Error(`the cluster layout needs 3 test hosts, got ${hosts.length}`);
  // Not under /tmp: the invoker's sandbox mounts a fresh /tmp over the node it runs actions with.
  const root = mkdtempSync(join('/var/tmp', 'owctl-cluster-'));
  const name = 'cluster-test';
  const dir = join(root, name);
  mkdirSync(join(dir, 'group_vars'), { recursive: true });
  mkdirSync(join(dir, 'host_vars'), { recursive: true });
  copyFileSync(join(EXAMPLE, 'group_vars/all.yml'), join(dir, 'group_vars/all.yml'));
  const [core, w1, w2] = hosts as [TestHost, TestHost, TestHost];
  const deployDirs: Record<string, string> = {};
  for (const h of hosts.slice(0, 3)) {
    deployDirs[h.name] = join(root, 'hosts', h.name);
    writeFileSync(
      join(dir, 'host_vars', `${h.name}.yml`),
      stringify({ ansible_host: h.address, deploy_dir: deployDirs[h.name] }),
    );
  }
  const inventory = {
    all: {
      vars: {
        ansible_connection: 'ssh',
        ansible_user: core.user,
        ansible_ssh_private_key_file: core.keyFile,
        ansible_ssh_extra_args: `-o UserKnownHostsFile=${testKnownHostsFile()}`,
        ...(opts.nodePath ? { node_path: opts.nodePath } : {}),
      },
      hosts: Object.fromEntries(hosts.slice(0, 3).map((h) => [h.name, null])),
      children: {
        db: { hosts: { [core.name]: null } },
        controllers: { hosts: { [core.name]: null } },
        invokers: { hosts: { [w1.name]: null, [w2.name]: null } },
        edge: { hosts: { [core.name]: null } },
      },
    },
  };
  writeFileSync(join(dir, 'hosts.yml'), stringify(inventory));
  const gateway = randomPort();
  const vars = [
    '-e',
    `gateway.port=${gateway}`,
    '-e',
    `controller.basePort=${randomPort()}`,
    '-e',
    `invoker.port=${randomPort()}`,
    '-e',
    `db.port=${randomPort()}`,
    // Steady load in the tests is well above OpenWhisk's default 60/min.
    '-e',
    'limits.invocationsPerMinute=60000',
  ];
  return {
    dir,
    name,
    home: join(root, 'home'),
    deployDirs,
    hosts: hosts.slice(0, 3),
    vars,
    apihost: `http://${core.address}:${gateway}`,
  };
}

/** Runs owctl against the environment (never rejects: look at exitCode). */
export function owctl(env: ClusterEnvironment, args: string[], extra: string[] = []) {
  return execa('node', [join(ROOT, 'bin/owctl.js'), ...args, ...env.vars, ...extra], {
    env: { ...process.env, OWCTL_HOME: env.home },
    reject: false,
    cwd: ROOT,
  });
}

/** The recap line of a `--json` run. */
export function recapOf(stdout: string): Recap {
  const last = stdout.trim().split('\n').at(-1) ?? '{}';
  return (JSON.parse(last) as { recap?: Recap }).recap ?? {};
}

export function totals(recap: Recap): { changed: number; failed: number; unreachable: number } {
  const hosts = Object.values(recap);
  return {
    changed: hosts.reduce((n, h) => n + h.changed, 0),
    failed: hosts.reduce((n, h) => n + h.failed, 0),
    unreachable: hosts.reduce((n, h) => n + h.unreachable, 0),
  };
}
