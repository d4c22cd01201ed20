import { describe, expect, it } from 'vitest';
import { call, type Module } from '../../../engine/modules/module.ts';
import { JsonReporter } from '../../../engine/output/json.ts';
import { ListrReporter } from '../../../engine/output/listr.ts';
import { PlainReporter } from '../../../engine/output/plain.ts';
import type { Reporter } from '../../../engine/output/reporter.ts';
import { definePlaybook } from '../../../engine/runner/playbook.ts';
import { exitCodeFor, type Recap } from '../../../engine/runner/recap.ts';
import { runPlaybooks } from '../../../engine/runner/runner.ts';
import { Secret } from '../../../engine/secret.ts';
import { inventory, recorder, sh, transports } from './support.ts';

const password = new Secret('hunter2-very-secret');

const writeConfig: Module<{ path: string }> = {
  name: 'fake_copy',
  checkMode: 'full',
  async run(args, ctx) {
    ctx.log(`comparing ${args.path} (password ${password})`);
    return {
      status: 'changed',
      msg: `${args.path} updated`,
      diff: [{ target: args.path, before: 'port=1\nuser=a\n', after: 'port=2\nuser=a\n' }],
      data: { password },
    };
  },
};

function sample() {
  const r = recorder();
  return definePlaybook({
    name: 'sample',
    plays: [
      {
        name: 'configure',
        hosts: 'all',
        tasks: [
          {
            name: 'write config',
            run: call(writeConfig, { path: '/etc/svc.conf' }),
            notify: ['restart svc'],
          },
          {
            name: 'check health',
            run: sh('echo "line $(hostname)"; echo "bad password" >&2; exit 7'),
            when: (ctx) => ctx.host.name === 'h2',
          },
          { name: 'skipped probe', run: r.probe({ name: 'p' }), when: () => false },
        ],
        handlers: [{ name: 'restart svc', run: r.record({ name: 'restart', status: 'changed' }) }],
      },
    ],
  });
}

async function render(reporter: Reporter, hosts = ['h1', 'h2'], unreachable: string[] = []): Promise<Recap> {
  return runPlaybooks([sample()], {
    inventory: inventory({ all: hosts }),
    transports: transports(unreachable),
    reporter,
    diff: true,
  });
}

function sink() {
  const chunks: string[] = [];
  return { out: { write: (s: string) => void chunks.push(s) }, text: () => chunks.join('') };
}

describe('plain output', () => {
  it('prints Ansible-like task lines, failures with command and output tail, diffs and the recap', async () => {
    const s = sink();
    await render(new PlainReporter({ out: s.out, diff: true }), ['h1', 'h2', 'h3'], ['h3']);
    const text = s.text();
    expect(text).toMatch(/^PLAYBOOK \[sample\] \*+$/m);
    expect(text).toMatch(/^PLAY \[configure\] \(h1, h2, h3\) \*+$/m);
    expect(text).toMatch(/^TASK \[write config\] \*+$/m);
    expect(text).toContain('changed: [h1]\n');
    expect(text).toContain('fatal: [h3]: UNREACHABLE! => connection refused\n');
    expect(text).toContain('skipping: [h1]\n');
    expect(text).toContain('failed: [h2] => exit code 7\n');
    expect(text).toMatch(/ {2}command: echo "line \$\(hostname\)".*exit 7\n/);
    expect(text).toMatch(/ {2}stderr \(tail\):\n {4}bad password\n/);
    expect(text).toContain('-port=1\n+port=2\n');
    expect(text).toMatch(/^RUNNING HANDLER \[restart svc\] \*+\nchanged: \[h1\]$/m);
    expect(text).toMatch(/^PLAY RECAP \*+$/m);
    expect(text).toContain('h1 : ok=2  changed=2  unreachable=0  failed=0  skipped=2  rescued=0  ignored=0');
    expect(text).toContain('h2 : ok=1  changed=1  unreachable=0  failed=1  skipped=0  rescued=0  ignored=0');
    expect(text).toContain('h3 : ok=0  changed=0  unreachable=1  failed=0  skipped=0  rescued=0  ignored=0');
    expect(text).not.toContain('comparing'); // log lines only with -v
    expect(text).not.toContain('hunter2');
  });

  it('-v adds module log lines (masked) and timings', async () => {
    const s = sink();
    await render(new PlainReporter({ out: s.out, verbose: 1 }));
    expect(s.text()).toContain('  [h1] comparing /etc/svc.conf (password ********)');
    expect(s.text()).toMatch(/changed: \[h1\] \(\d+ ms\) => \/etc\/svc.conf updated/);
    expect(s.text()).not.toContain('hunter2');
  });

  it('-vv adds the output of commands that succeeded', async () => {
    const echo = definePlaybook({
      name: 'echo',
      plays: [{ name: 'p', hosts: 'all', tasks: [{ name: 'say', run: sh('echo hello-from-task') }] }],
    });
    const output = async (verbose: number) => {
      const s = sink();
      const reporter = new PlainReporter({ out: s.out, verbose });
      await runPlaybooks([echo], {
        inventory: inventory({ all: ['h1'] }),
        transports: transports(),
        reporter,
      });
      return s.text();
    };
    expect(await output(2)).toContain('changed: [h1]');
    expect(await output(2)).toMatch(
      / {2}command: echo hello-from-task\n {2}stdout \(tail\):\n {4}hello-from-task\n/,
    );
    expect(await output(1)).not.toContain('stdout (tail)');
  });
});

describe('JSON output', () => {
  it('writes one line per task result and the recap as the last line', async () => {
    const s = sink();
    const recap = await render(new JsonReporter({ out: s.out }), ['h1', 'h2', 'h3'], ['h3']);
    const lines = s.text().trimEnd().split('\n');
    const events = lines.map((l) => JSON.parse(l));
    const last = events.at(-1);
    expect(Object.keys(last)).toEqual(['recap', 'durationMs']);
    expect(last.recap).toEqual({
      h1: { ok: 2, changed: 2, failed: 0, skipped: 2, unreachable: 0 },
      h2: { ok: 1, changed: 1, failed: 1, skipped: 0, unreachable: 0 },
      h3: { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 1 },
    });
    const task = events.find((e) => e.event === 'task' && e.task === 'write config' && e.host === 'h1');
    expect(task).toMatchObject({ play: 'configure', status: 'changed', msg: '/etc/svc.conf updated' });
    expect(typeof task.durationMs).toBe('number');
    expect(task.diff).toEqual([
      { target: '/etc/svc.conf', before: 'port=1\nuser=a\n', after: 'port=2\nuser=a\n' },
    ]);
    const failed = events.find((e) => e.status === 'failed');
    expect(failed).toMatchObject({ host: 'h2', task: 'check health', exitCode: 7, stderr: 'bad password' });
    expect(events.find((e) => e.event === 'unreachable')).toMatchObject({
      host: 'h3',
      msg: 'connection refused',
    });
    expect(events.find((e) => e.event === 'handler')).toMatchObject({ task: 'restart svc', host: 'h1' });
    expect(s.text()).not.toContain('hunter2');
    expect(exitCodeFor(recap)).toBe(2);
  });
});

describe('listr output', () => {
  it('renders the run and prints failures and the recap when done', async () => {
    const s = sink();
    const recap = await render(new ListrReporter({ out: s.out, renderer: 'silent', diff: true }), [
      'h1',
      'h2',
    ]);
    expect(s.text()).toContain(
      'DIFFS\n[h1] write config\n--- before: /etc/svc.conf\n+++ after: /etc/svc.conf',
    );
    expect(recap.hosts.h1).toMatchObject({ ok: 2, changed: 2, skipped: 2 });
    expect(s.text()).toContain('FAILURES\nh2: task "check health" (play "configure") failed: exit code 7');
    expect(s.text()).toContain('  stderr (tail):\n    bad password');
    expect(s.text()).toMatch(/PLAY RECAP \*+\nh1 : ok=2/);
  });
});

describe('exit codes', () => {
  const recap = (over: Partial<Recap>): Recap => ({
    hosts: {},
    failed: false,
    unreachable: false,
    changed: 0,
    durationMs: 0,
    failures: [],
    changes: [],
    ...over,
  });
  it('follows ansible-playbook, with 2 winning over 4 and 3 for drift', () => {
    expect(exitCodeFor(recap({}))).toBe(0);
    expect(exitCodeFor(recap({ changed: 2 }))).toBe(0);
    expect(exitCodeFor(recap({ changed: 2 }), true)).toBe(3);
    expect(exitCodeFor(recap({ failed: true }))).toBe(2);
    expect(exitCodeFor(recap({ unreachable: true }))).toBe(4);
    expect(exitCodeFor(recap({ unreachable: true, failed: true }))).toBe(2);
    expect(exitCodeFor(recap({ failed: true, changed: 1 }), true)).toBe(2);
    expect(exitCodeFor(recap({ interrupted: true, failed: true }))).toBe(130);
  });
});
