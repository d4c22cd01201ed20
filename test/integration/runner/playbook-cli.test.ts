/**
 * `owctl playbook` as users run it: a real process, a real environment folder, real files, the
 * run journal on disk between runs, JSON output and exit codes.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ENV = 'test/fixtures/environments/runner-local';
const SAMPLE = 'test/fixtures/playbooks/sample.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'owctl-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  lines: Record<string, unknown>[];
  recap: Record<string, Record<string, number>>;
}

async function owctl(...args: string[]): Promise<Outcome> {
  let code = 0;
  let stdout = '';
  let stderr = '';
  try {
    ({ stdout, stderr } = await exec('node', ['bin/owctl.js', ...args], {
      env: { ...process.env, OWCTL_HOME: join(dir, 'home') },
    }));
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    ({ code, stdout, stderr } = failed);
  }
  const lines = args.includes('--json')
    ? stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l))
    : [];
  const last = lines.at(-1) as { recap?: Outcome['recap'] } | undefined;
  return { code, stdout, stderr, lines, recap: last?.recap ?? {} };
}

const sample = (...extra: string[]) =>
  owctl('playbook', SAMPLE, '-i', ENV, '-e', `workdir=${dir}`, '--json', ...extra);

describe('owctl playbook', () => {
  it('runs a playbook, then finds nothing to change, and detects drift with --check --expect-no-changes', async () => {
    const first = await sample();
    expect(first.code).toBe(0);
    expect(first.recap).toEqual({
      node1: { ok: 3, changed: 2, failed: 0, skipped: 1, unreachable: 0 },
      node2: { ok: 3, changed: 2, failed: 0, skipped: 1, unreachable: 0 },
    });
    expect(await readFile(join(dir, 'node1.conf'), 'utf8')).toBe('greeting=hello\n');
    const task = first.lines.find(
      (l) => l.event === 'task' && l.task === 'write config' && l.host === 'node1',
    );
    expect(task).toMatchObject({ play: 'configure', host: 'node1', status: 'changed' });
    expect(typeof task?.durationMs).toBe('number');

    const again = await sample('--expect-no-changes');
    expect(again.code).toBe(0);
    expect(again.recap.node1).toMatchObject({ changed: 0 });

    const drift = await sample('--check', '--expect-no-changes', '-e', 'greeting=bye');
    expect(drift.code).toBe(3);
    // The config would change; the read-only probe still runs; the handler (a command) cannot be
    // predicted and is skipped, as is the task whose condition is false.
    expect(drift.recap.node1).toMatchObject({ changed: 1, skipped: 2 });
    expect(await readFile(join(dir, 'node1.conf'), 'utf8')).toBe('greeting=hello\n');
  });

  it('exits 2 when a task fails and runs the handler it left pending on the next run', async () => {
    const broken = await sample('-e', 'greeting=bye', '-e', 'fail_on=node2');
    expect(broken.code).toBe(2);
    expect(broken.recap.node2).toMatchObject({ failed: 1, changed: 1 });
    expect(broken.lines.find((l) => l.status === 'failed')).toMatchObject({
      host: 'node2',
      task: 'fail when asked',
      stderr: 'asked to fail',
    });
    expect(await readFile(join(dir, 'node2.restarts'), 'utf8')).toBe('restarted\n');

    // node2's config is already "bye", so nothing notifies; the journal still restarts it.
    const fixed = await sample('-e', 'greeting=bye');
    expect(fixed.code).toBe(0);
    expect(fixed.recap.node2).toMatchObject({ changed: 1, failed: 0 });
    expect(fixed.recap.node1).toMatchObject({ changed: 0 });
    expect(await readFile(join(dir, 'node2.restarts'), 'utf8')).toBe('restarted\nrestarted\n');
    const journal = JSON.parse(await readFile(join(dir, 'home', 'runner-local', 'journal.json'), 'utf8'));
    expect(journal.pending).toEqual([]);
  });

  it('honours --limit and --tags, and prints plain Ansible-like lines without --json', async () => {
    const run = await owctl(
      'playbook',
      SAMPLE,
      '-i',
      ENV,
      '-e',
      `workdir=${dir}`,
      '-l',
      'node1',
      '-t',
      'config',
      '-e',
      'greeting=x',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('TASK [write config]');
    expect(run.stdout).toContain('changed: [node1]');
    expect(run.stdout).not.toContain('node2');
    expect(run.stdout).not.toContain('TASK [read config]');
    expect(run.stdout).toMatch(/PLAY RECAP \*+\nnode1 : ok=2 {2}changed=2/);
  });

  it('exits 1 with a message naming the problem for a bad environment, playbook or flag', async () => {
    const [env, pb, flag, limit] = await Promise.all([
      owctl('playbook', SAMPLE, '-i', 'no-such-env'),
      owctl('playbook', 'no-such-playbook', '-i', ENV),
      owctl('playbook', SAMPLE, '-i', ENV, '--forks', 'many'),
      owctl('playbook', SAMPLE, '-i', ENV, '-e', `workdir=${dir}`, '--limit', 'nope'),
    ]);
    expect(env.code).toBe(1);
    expect(env.stderr).toMatch(/environment "no-such-env" not found/);
    expect(pb.code).toBe(1);
    expect(pb.stderr).toMatch(/playbook "no-such-playbook" not found .* known playbooks:/);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/--forks.*expected a whole number/);
    expect(limit.code).toBe(1);
    expect(limit.stderr).toMatch(/--limit "nope" matches no host/);
  });
});
