/**
 * Cluster rollout figures against the targets: `owctl deploy` of the cluster-example
 * layout onto three bare netns SSH hosts (Node.js and the release shipped over SFTP, the release
 * artifact built from scratch in an empty cache; target ≤ 60 s), then the idempotent re-run
 * (changed 0; target ≤ 5 s). Needs root and sshd (test/support/netns-hosts.sh).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  type ClusterEnvironment,
  clusterEnvironment,
  owctl,
  recapOf,
  totals,
} from '../test/integration/cluster/environment.ts';
import { ensureTestHosts, testHostsUnavailableReason } from '../test/support/hosts.ts';
import { type BenchResult, row } from './support/report.ts';

async function timedDeploy(env: ClusterEnvironment): Promise<{ seconds: number; changed: number }> {
  const started = performance.now();
  const res = await owctl(env, ['deploy', env.dir, '--json'], []);
  const seconds = (performance.now() - started) / 1000;
  if (res.exitCode !== 0) {
    throw new Error(
      `owctl deploy ${env.dir} exited ${res.exitCode}: ${res.stdout.split('\n').slice(-3).join(' ')}`,
    );
  }
  return { seconds, changed: totals(recapOf(res.stdout)).changed };
}

export async function run(): Promise<BenchResult> {
  const name = 'cluster';
  const unavailable = testHostsUnavailableReason();
  if (unavailable) return { name, rows: [], skipped: unavailable };
  const env = clusterEnvironment(await ensureTestHosts(3));
  const cache = mkdtempSync(join(tmpdir(), 'owctl-bench-cache-'));
  const previousCache = process.env.OWCTL_CACHE_DIR;
  process.env.OWCTL_CACHE_DIR = cache; // owctl runs inherit it: the artifact is built from scratch
  try {
    const first = await timedDeploy(env);
    const again = await timedDeploy(env);
    if (again.changed !== 0) throw new Error(`the re-run changed ${again.changed} tasks; expected 0`);
    const releases = join(cache, 'releases');
    const bytes = readdirSync(releases).reduce((n, f) => n + statSync(join(releases, f)).size, 0);
    return {
      name,
      description: 'owctl deploy onto 3 bare SSH hosts (netns): store+controller+gateway, 2 invokers',
      rows: [
        row('deploy from bare hosts, artifact built (target ≤ 60)', first.seconds, 's'),
        row('idempotent re-run, changed 0 (target ≤ 5)', again.seconds, 's'),
        row('release artifact shipped to each host', bytes / 1e6, 'MB'),
      ],
    };
  } finally {
    await owctl(env, ['teardown', env.dir, '--purge', '--yes', '--json'], []);
    if (previousCache === undefined) delete process.env.OWCTL_CACHE_DIR;
    else process.env.OWCTL_CACHE_DIR = previousCache;
    rmSync(dirname(env.dir), { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    rmSync(cache, { recursive: true, force: true });
  }
}
