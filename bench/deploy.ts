/**
 * `owctl deploy local` timed as a user runs it (issue 4): from an empty OWCTL_HOME to a passing
 * smoke test (the postdeploy playbook invokes /whisk.system/utils/echo through the gateway; the
 * benchmark invokes it once more itself), then an idempotent redeploy (must change nothing), then
 * teardown and deploy again with the data kept. Targets: fresh ≤ 20 s, redeploy ≤ 5 s; upstream
 * OpenWhisk's ansible deploy takes many minutes (it cannot run here: it needs its images).
 * OWCTL_BENCH_RUNS=N repeats the whole sequence N times; medians win.
 */
import { basicAuth, type DeployRun, deployLocal } from './support/platform.ts';
import { type BenchResult, type BenchRow, row } from './support/report.ts';

const RUNS = Number(process.env.OWCTL_BENCH_RUNS ?? 1);

function log(line: string): void {
  process.stderr.write(`[deploy bench] ${line}\n`);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Seconds per playbook, from the JSON task events of a deploy. */
function playbookSeconds(run: DeployRun): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of run.run.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as { event?: string; playbook?: string; durationMs?: number };
    if (e.event === 'task' && e.playbook && e.durationMs !== undefined) {
      out[e.playbook] = (out[e.playbook] ?? 0) + e.durationMs / 1000;
    }
  }
  return out;
}

async function smokeTest(apihost: string, auth: string): Promise<void> {
  const res = await fetch(
    `${apihost}/api/v1/namespaces/whisk.system/actions/utils/echo?blocking=true&result=true`,
    {
      method: 'POST',
      headers: { authorization: basicAuth(auth), 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hello' }),
    },
  );
  const body = await res.text();
  if (res.status !== 200 || JSON.parse(body).message !== 'hello') {
    throw new Error(`smoke test after deploy: echo answered ${res.status} ${body}`);
  }
}

interface Sample {
  fresh: DeployRun;
  redeploy: DeployRun;
  restart: DeployRun;
}

async function once(): Promise<Sample> {
  const { deployment, first } = await deployLocal();
  try {
    await smokeTest(deployment.apihost, deployment.auth);
    const redeploy = await deployment.deploy();
    if (redeploy.recap.changed !== 0) {
      throw new Error(`the redeploy changed ${redeploy.recap.changed} tasks; it must change none`);
    }
    const down = await deployment.teardown();
    if (down.exitCode !== 0) throw new Error(`owctl teardown local exited ${down.exitCode}`);
    const restart = await deployment.deploy();
    await smokeTest(deployment.apihost, deployment.auth);
    return { fresh: first, redeploy, restart };
  } finally {
    await deployment.destroy();
  }
}

export async function run(): Promise<BenchResult> {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    log(`run ${i + 1}/${RUNS}: fresh deploy, redeploy, teardown and deploy…`);
    const s = await once();
    log(
      `fresh ${s.fresh.run.seconds.toFixed(2)} s, redeploy ${s.redeploy.run.seconds.toFixed(2)} s, ` +
        `after teardown ${s.restart.run.seconds.toFixed(2)} s`,
    );
    samples.push(s);
  }
  const m = (pick: (s: Sample) => number) => median(samples.map(pick));
  const phases = playbookSeconds(samples[0]!.fresh);
  const rows: BenchRow[] = [
    row(
      'fresh deploy to passing smoke test (target ≤ 20 s)',
      m((s) => s.fresh.run.seconds),
      's',
    ),
    row(
      'idempotent redeploy, changed 0 (target ≤ 5 s)',
      m((s) => s.redeploy.run.seconds),
      's',
    ),
    row(
      'deploy after teardown (data kept)',
      m((s) => s.restart.run.seconds),
      's',
    ),
    ...Object.entries(phases).map(([playbook, seconds]) =>
      row(`fresh deploy: ${playbook} tasks`, seconds, 's'),
    ),
  ];
  return {
    name: 'deploy',
    description: `owctl deploy local from an empty OWCTL_HOME, process to exit, median of ${RUNS} run(s)`,
    rows,
  };
}
