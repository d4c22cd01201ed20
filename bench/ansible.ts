/**
 * owctl against Ansible on the same work: the 30-task workload (bench/workload) on 3 SSH hosts in
 * network namespaces, first run on fresh deploy dirs and idempotent re-run, both tools as real
 * processes from spawn to exit. Each tool deploys into its own directories; afterwards the two
 * trees must be identical, and each re-run must report nothing changed, or the figures are void.
 * Ansible: pipelining on, forks 10, host_key_checking off, no fact gathering, its own
 * ControlPersist directory so its first run starts without an SSH master.
 * OWCTL_BENCH_RUNS=N repeats every measurement N times (fresh deploy dirs each time); medians win.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { writeSshEnvironment } from '../test/fixtures/ssh-sample/environment.ts';
import {
  ensureTestHosts,
  type TestHost,
  testHostsUnavailableReason,
  testKnownHostsFile,
} from '../test/support/hosts.ts';
import { outputTail, type TimedRun, timed } from './support/process.ts';
import { type BenchResult, row } from './support/report.ts';
import { describeTree, treeDifferences } from './support/tree.ts';
import { ansiblePlaybookYaml } from './workload/ansible.ts';
import { controllerFiles, WORKLOAD, WORKLOAD_VARS } from './workload/spec.ts';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const OWCTL_PLAYBOOK = 'bench/workload/playbook.ts';
const HOSTS = 3;
const FORKS = 10;
const RESULTS_FILE = join(REPO_ROOT, 'bench/results/ansible.json');

interface Played {
  run: TimedRun;
  changed: Record<string, number>;
  /** The run as the tool itself timed it (owctl's recap durationMs), without process startup. */
  engineSeconds?: number;
}

interface Tool {
  name: 'owctl' | 'ansible';
  deployRoot: string;
  /** Runs the workload once: the process run, the changed count per host, the tool's own timing. */
  play(): Promise<Played>;
}

function unavailableReason(): string | undefined {
  const hostsProblem = testHostsUnavailableReason();
  if (hostsProblem) return hostsProblem;
  try {
    execFileSync('ansible-playbook', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'ansible-playbook is not installed (apt-get install ansible-core)';
  }
  return undefined;
}

function log(line: string): void {
  process.stderr.write(`[ansible bench] ${line}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function owctlTool(work: string, hosts: TestHost[], filesDir: string): Promise<Tool> {
  const deployRoot = join(work, 'owctl-deploy');
  const env = await writeSshEnvironment(join(work, 'owctl-env'), hosts, {
    user: hosts[0]!.user,
    keyFile: hosts[0]!.keyFile,
    knownHostsFile: testKnownHostsFile(),
    deployRoot,
    vars: { ...WORKLOAD_VARS, bench_files_dir: filesDir },
  });
  return {
    name: 'owctl',
    deployRoot,
    async play() {
      const run = await timed(
        'node',
        ['bin/owctl.js', 'playbook', OWCTL_PLAYBOOK, '-i', env, '--json', '-f', String(FORKS)],
        { cwd: REPO_ROOT, env: { OWCTL_HOME: join(work, 'owctl-home') } },
      );
      if (run.exitCode !== 0) throw new Error(`owctl playbook exited ${run.exitCode}:\n${outputTail(run)}`);
      const last = JSON.parse(run.stdout.trimEnd().split('\n').at(-1) ?? '{}') as {
        recap?: Record<string, { changed: number }>;
        durationMs?: number;
      };
      const changed = Object.fromEntries(Object.entries(last.recap ?? {}).map(([h, s]) => [h, s.changed]));
      return {
        run,
        changed,
        engineSeconds: last.durationMs === undefined ? undefined : last.durationMs / 1000,
      };
    },
  };
}

async function ansibleTool(work: string, hosts: TestHost[], filesDir: string): Promise<Tool> {
  const dir = join(work, 'ansible');
  const deployRoot = join(work, 'ansible-deploy');
  await mkdir(dir, { recursive: true });
  const inventory = {
    app: {
      hosts: Object.fromEntries(
        hosts.map((h) => [h.name, { ansible_host: h.address, ansible_port: h.port }]),
      ),
      vars: {
        ansible_user: hosts[0]!.user,
        ansible_ssh_private_key_file: hosts[0]!.keyFile,
        ansible_python_interpreter: '/usr/bin/python3',
        deploy_dir: `${deployRoot}/{{ inventory_hostname }}`,
        bench_files_dir: filesDir,
        ...WORKLOAD_VARS,
      },
    },
  };
  const config = [
    '[defaults]',
    `forks = ${FORKS}`,
    'host_key_checking = False',
    'retry_files_enabled = False',
    'nocolor = True',
    '[ssh_connection]',
    'pipelining = True',
    `control_path_dir = ${join(dir, 'cp')}`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'ansible.cfg'), config);
  await writeFile(join(dir, 'inventory.yml'), stringify(inventory));
  await writeFile(join(dir, 'playbook.yml'), ansiblePlaybookYaml());
  return {
    name: 'ansible',
    deployRoot,
    async play() {
      // A fresh control socket directory each time: a first run must not reuse an SSH master.
      await rm(join(dir, 'cp'), { recursive: true, force: true });
      const run = await timed('ansible-playbook', ['-i', 'inventory.yml', 'playbook.yml'], {
        cwd: dir,
        env: { ANSIBLE_CONFIG: join(dir, 'ansible.cfg') },
      });
      if (run.exitCode !== 0) throw new Error(`ansible-playbook exited ${run.exitCode}:\n${outputTail(run)}`);
      const changed: Record<string, number> = {};
      for (const m of run.stdout.matchAll(/^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)/gm))
        changed[m[1]!] = Number(m[2]);
      return { run, changed };
    },
  };
}

type Phase = 'first' | 'again';

/** Seconds per phase over the repetitions: wall clock (spawn to exit) and the tool's own timing. */
type Samples = Record<Phase, { wall: number[]; engine: number[] }>;

const emptySamples = (): Samples => ({ first: { wall: [], engine: [] }, again: { wall: [], engine: [] } });

/** First run on fresh deploy dirs, then the re-run that must change nothing. */
async function measure(tool: Tool, hosts: TestHost[], samples: Samples): Promise<void> {
  await rm(tool.deployRoot, { recursive: true, force: true });
  const first = await tool.play();
  for (const h of hosts) {
    if (!first.changed[h.name]) throw new Error(`${tool.name} first run changed nothing on ${h.name}`);
  }
  const again = await tool.play();
  if (hosts.some((h) => again.changed[h.name] !== 0)) {
    throw new Error(
      `${tool.name} re-run is not idempotent: changed ${JSON.stringify(again.changed)}; the comparison is void`,
    );
  }
  for (const [phase, played] of [
    ['first', first],
    ['again', again],
  ] as const) {
    samples[phase].wall.push(played.run.seconds);
    if (played.engineSeconds !== undefined) samples[phase].engine.push(played.engineSeconds);
  }
  const engine = (p: Played) =>
    p.engineSeconds === undefined ? '' : ` (engine ${p.engineSeconds.toFixed(2)} s)`;
  log(
    `${tool.name}: first run ${first.run.seconds.toFixed(2)} s${engine(first)}, re-run ${again.run.seconds.toFixed(2)} s${engine(again)}`,
  );
}

async function assertSameTrees(owctl: Tool, ansible: Tool, hosts: TestHost[]): Promise<void> {
  for (const h of hosts) {
    const diff = treeDifferences(
      await describeTree(join(owctl.deployRoot, h.name)),
      await describeTree(join(ansible.deployRoot, h.name)),
    );
    if (diff.length) {
      throw new Error(`owctl and Ansible deployed different trees on ${h.name}:\n  ${diff.join('\n  ')}`);
    }
  }
}

export async function run(): Promise<BenchResult> {
  const name = 'ansible';
  const description = `${WORKLOAD.length} tasks (files, templates, guarded commands, links) on ${HOSTS} SSH hosts: owctl playbook vs ansible-playbook`;
  const skipped = unavailableReason();
  if (skipped) return { name, description, rows: [], skipped };
  const runs = Math.max(1, Number(process.env.OWCTL_BENCH_RUNS ?? 1) || 1);
  const hosts = await ensureTestHosts(HOSTS);
  const work = await mkdtemp(join(tmpdir(), 'owctl-bench-ansible-'));
  try {
    const filesDir = join(work, 'files');
    await mkdir(filesDir, { recursive: true });
    for (const [file, content] of Object.entries(controllerFiles()))
      await writeFile(join(filesDir, file), content);
    const tools = {
      owctl: await owctlTool(work, hosts, filesDir),
      ansible: await ansibleTool(work, hosts, filesDir),
    };
    const samples = { owctl: emptySamples(), ansible: emptySamples() };
    for (let i = 0; i < runs; i++) {
      for (const tool of [tools.owctl, tools.ansible]) await measure(tool, hosts, samples[tool.name]);
    }
    await assertSameTrees(tools.owctl, tools.ansible, hosts);
    const { owctl, ansible } = samples;
    const rows = [
      row('first run (fresh deploy dirs)', median(owctl.first.wall), 's', median(ansible.first.wall)),
      row('idempotent re-run', median(owctl.again.wall), 's', median(ansible.again.wall)),
      // Where owctl's time goes: the run itself, the rest is node + loading the TypeScript.
      row('owctl engine only, first run', median(owctl.first.engine), 's'),
      row('owctl engine only, re-run', median(owctl.again.engine), 's'),
    ];
    const result: BenchResult = { name, description, rows };
    await mkdir(join(REPO_ROOT, 'bench/results'), { recursive: true });
    await writeFile(
      RESULTS_FILE,
      `${JSON.stringify({ ...result, hosts: HOSTS, tasksPerHost: WORKLOAD.length, runs, samples, at: new Date().toISOString() }, null, 2)}\n`,
    );
    log(`figures written to ${RESULTS_FILE}`);
    return result;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
