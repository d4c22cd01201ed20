/**
 * Docker figures against the targets: action container cold start (create to first
 * result, p50, target ≤ 400 ms) with the process factory's cold start as baseline; resume of a
 * paused container to result (p50, target ≤ 30 ms); building every image from scratch (≤ 60 s)
 * and again with nothing changed (≤ 2 s). Needs a docker engine (test/support/dockerd.sh start).
 * The from-scratch build gets a one-file first layer unique to the run, so the engine has none of
 * its layers; its images (owbench/…) are removed afterwards. OWCTL_BENCH_RUNS=N: N container runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { pino } from 'pino';
import { dockerClient } from '../engine/docker/client.ts';
import { buildImages } from '../engine/images/build.ts';
import { layer } from '../engine/images/recipe.ts';
import { LayerFiles } from '../engine/images/rootfs.ts';
import { imageRecipes } from '../images/index.ts';
import { REPO_ROOT } from '../playbooks/lib/paths.ts';
import { createDockerFactory } from '../services/invoker/factories/docker.ts';
import { createProcessFactory } from '../services/invoker/factories/process.ts';
import type { ContainerFactory } from '../services/invoker/factory.ts';
import { loadRuntimeManifest, requireKind } from '../services/runtimes/manifest.ts';
import { type BenchResult, row } from './support/report.ts';

const RUNS = Number(process.env.OWCTL_BENCH_RUNS ?? 15);
const PREFIX = 'owbench';
const TAG = 'latest';
const CODE = 'function main(a) { return { hello: a.name } }';
const logger = pino({ level: 'silent' });
const nodejs = requireKind(loadRuntimeManifest(), 'nodejs:20');

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** create → /init → /run, the container destroyed after each run; ms per run. */
async function coldStarts(factory: ContainerFactory): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const c = await factory.create({ kind: nodejs, memoryMB: 256, env: {}, name: `bench${i}` });
    await c.init({ value: { code: CODE } }, 10_000);
    await c.run({ value: { name: 'cold' } }, 10_000);
    times.push(performance.now() - t);
    await c.destroy();
  }
  return times;
}

/** A paused warm container: unpause → /run, ms per run. */
async function resumes(factory: ContainerFactory): Promise<number[]> {
  const c = await factory.create({ kind: nodejs, memoryMB: 256, env: {}, name: 'resume' });
  const times: number[] = [];
  try {
    await c.init({ value: { code: CODE } }, 10_000);
    for (let i = 0; i < RUNS; i++) {
      await c.suspend();
      const t = performance.now();
      await c.resume();
      await c.run({ value: { name: 'warm' } }, 10_000);
      times.push(performance.now() - t);
    }
  } finally {
    await c.destroy();
  }
  return times;
}

/**
 * `owctl images build` as users run it (a new process), the second time with nothing changed;
 * under its own OWCTL_HOME, so the first run starts from an empty layer cache.
 */
async function cliNoChangeBuild(): Promise<number> {
  const home = mkdtempSync(join(tmpdir(), 'owbench-home-'));
  const argv = [
    join(REPO_ROOT, 'bin/owctl.js'),
    'images',
    'build',
    '-i',
    'docker-local',
    '-e',
    `docker.image.prefix=${PREFIX}`,
  ];
  const env = { ...process.env, OWCTL_HOME: home };
  try {
    await execa('node', argv, { env });
    const t = performance.now();
    const res = await execa('node', argv, { env });
    const seconds = (performance.now() - t) / 1000;
    if (!res.stdout.split('\n').every((l) => l.startsWith('up to date'))) {
      throw new Error(`a rebuild with no change built something:\n${res.stdout}`);
    }
    return seconds;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function imageBuilds(): Promise<{ scratchS: number; noChangeS: number; mb: number }> {
  const docker = dockerClient();
  const cacheDir = mkdtempSync(join(tmpdir(), 'owbench-image-cache-'));
  const nonce = randomBytes(8).toString('hex');
  const unique = layer(`bench-${nonce}`, async () => new LayerFiles().content('/etc/owbench', nonce));
  const recipes = imageRecipes().map((r) => ({ ...r, layers: [unique, ...r.layers] }));
  const opts = { docker, root: REPO_ROOT, prefix: PREFIX, tag: TAG, cacheDir };
  try {
    const t = performance.now();
    const built = await buildImages(recipes, opts);
    const scratchS = (performance.now() - t) / 1000;
    const noChangeS = await cliNoChangeBuild();
    const mb = built.reduce((n, b) => n + b.sentBytes, 0) / 1e6;
    return { scratchS, noChangeS, mb };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    for (const r of recipes) {
      await docker
        .getImage(`${PREFIX}/${r.name}:${TAG}`)
        .remove()
        .catch(() => {});
    }
  }
}

export async function run(): Promise<BenchResult> {
  const docker = dockerClient();
  try {
    await docker.ping();
  } catch (err) {
    return {
      name: 'docker',
      rows: [],
      skipped: `no docker engine (${(err as Error).message}); start one: bash test/support/dockerd.sh start`,
    };
  }
  const images = await imageBuilds();
  // The runtime image under the default names, as the invoker uses it.
  await buildImages(
    imageRecipes().filter((r) => r.name === nodejs.image.name),
    {
      docker,
      root: REPO_ROOT,
      prefix: 'whisk',
      tag: TAG,
      cacheDir: join(tmpdir(), 'owctl-test-image-cache'),
    },
  );
  const factory = await createDockerFactory({
    docker,
    engine: 'local',
    invokerId: `bench${process.pid}`,
    imagePrefix: 'whisk',
    imageTag: TAG,
    network: 'host',
    pidsLimit: 1024,
    logger,
  });
  const stateDir = mkdtempSync(join(tmpdir(), 'owbench-process-'));
  const processFactory = createProcessFactory({ stateDir, sandbox: 'auto', logger });
  try {
    const cold = await coldStarts(factory);
    const processCold = await coldStarts(processFactory);
    const resume = await resumes(factory);
    return {
      name: 'docker',
      description: `docker action containers (host network, ${RUNS} runs, p50) vs the process factory; image builds of all ${imageRecipes().length} images`,
      rows: [
        row('cold start create→result p50 (target ≤ 400)', p50(cold), 'ms', p50(processCold)),
        row('resume paused→result p50 (target ≤ 30)', p50(resume), 'ms'),
        row('image build from scratch (target ≤ 60)', images.scratchS, 's'),
        row('owctl images build, no change (target ≤ 2)', images.noChangeS, 's'),
        row('image bytes sent from scratch', images.mb, 'MB'),
      ],
    };
  } finally {
    await factory.close();
    await processFactory.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
