import { describe, expect, it } from 'vitest';
import { shell } from '../../../engine/modules/command.ts';
import { definePlaybook, type Task } from '../../../engine/runner/playbook.ts';
import { exitCodeFor } from '../../../engine/runner/recap.ts';
import { taskSelected } from '../../../engine/runner/tags.ts';
import { recorder, run, sh } from './support.ts';

const one = (tasks: Task[], extra: { tags?: string[] } = {}) =>
  definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', tasks, ...extra }] });

describe('task keywords', () => {
  it('when: skips the task where the condition is false', async () => {
    const r = recorder();
    const { recap, reporter } = await run(
      one([{ name: 'only h1', run: r.record({ name: 'x' }), when: (ctx) => ctx.host.name === 'h1' }]),
      { all: ['h1', 'h2'] },
    );
    expect(r.names()).toEqual(['x']);
    expect(reporter.result('only h1', 'h2')).toMatchObject({
      status: 'skipped',
      msg: 'conditional result was false',
    });
    expect(recap.hosts.h2).toMatchObject({ skipped: 1, ok: 0 });
  });

  it('register: later tasks read an earlier result, and register persists into later plays', async () => {
    const r = recorder();
    const pb = definePlaybook({
      name: 'pb',
      plays: [
        {
          name: 'p1',
          hosts: 'all',
          tasks: [{ name: 'whoami', run: sh('echo "$((40 + 2))"'), register: 'answer' }],
        },
        {
          name: 'p2',
          hosts: 'all',
          tasks: [
            {
              name: 'uses it',
              run: r.record({ name: 'used' }),
              when: (ctx) => ctx.registered.answer?.data?.stdout === '42',
            },
          ],
        },
      ],
    });
    await run(pb, { all: ['h1'] });
    expect(r.names()).toEqual(['used']);
  });

  it('retries a failing task delayMs apart until it succeeds', async () => {
    let attempts = 0;
    const r = recorder();
    const { recap, reporter } = await run(
      one([
        {
          name: 'flaky',
          run: r.record({ name: 'flaky', status: () => (++attempts < 3 ? 'failed' : 'ok') }),
          retries: 5,
          delayMs: 10,
        },
      ]),
      { all: ['h1'] },
    );
    expect(attempts).toBe(3);
    expect(reporter.result('flaky', 'h1')).toMatchObject({ status: 'ok', attempts: 3 });
    expect(reporter.events.filter((e) => e[0] === 'log')).toHaveLength(2);
    expect(recap.failed).toBe(false);
  });

  it('until: keeps trying while the condition is false, then fails naming the attempts', async () => {
    const r = recorder();
    const { recap, reporter } = await run(
      one([
        {
          name: 'wait',
          run: r.record({ name: 'wait' }),
          until: (res) => (res.data?.count as number) >= 2,
          retries: 3,
          delayMs: 1,
        },
        {
          name: 'never ready',
          run: r.record({ name: 'never' }),
          until: () => false,
          retries: 2,
          delayMs: 1,
        },
      ]),
      { all: ['h1'] },
    );
    expect(r.names()).toEqual(['wait', 'wait', 'never', 'never', 'never']);
    expect(reporter.result('never ready', 'h1')).toMatchObject({
      status: 'failed',
      msg: 'until condition still false after 3 attempts; last result: never ok',
    });
    expect(recap.failed).toBe(true);
  });

  it('ignoreErrors: the failure is reported and counted as ignored, and the host goes on', async () => {
    const r = recorder();
    const { recap, reporter } = await run(
      one([
        { name: 'may fail', run: sh('echo oops >&2; exit 3'), ignoreErrors: true },
        { name: 'next', run: r.record({ name: 'next' }) },
      ]),
      { all: ['h1'] },
    );
    expect(reporter.result('may fail', 'h1')).toMatchObject({
      status: 'failed',
      ignored: true,
      stderr: 'oops\n',
    });
    expect(r.names()).toEqual(['next']);
    expect(recap.hosts.h1).toMatchObject({ ok: 1, failed: 0, ignored: 1 });
    expect(exitCodeFor(recap)).toBe(0);
  });

  it('changedWhen and failedWhen override the module', async () => {
    const { recap, reporter } = await run(
      one([
        { name: 'probe', run: sh('echo probing'), changedWhen: () => false },
        { name: 'grep miss is fine', run: sh('exit 1'), failedWhen: (res) => (res.exitCode ?? 0) > 1 },
        {
          name: 'output says error',
          run: sh('echo ERROR'),
          failedWhen: (res) => res.stdout?.includes('ERROR') ?? false,
        },
      ]),
      { all: ['h1'] },
    );
    expect(reporter.result('probe', 'h1')?.status).toBe('ok');
    expect(reporter.result('grep miss is fine', 'h1')?.status).toBe('ok');
    expect(reporter.result('output says error', 'h1')).toMatchObject({
      status: 'failed',
      msg: 'failedWhen condition was true',
    });
    expect(recap.hosts.h1).toMatchObject({ ok: 2, changed: 0, failed: 1 });
  });

  it('a throwing when/until callback fails the task with a message naming it', async () => {
    const r = recorder();
    const { reporter } = await run(
      one([
        {
          name: 'bad when',
          run: r.record({ name: 'x' }),
          when: () => {
            throw new Error('no such variable');
          },
        },
      ]),
      { all: ['h1'] },
    );
    expect(reporter.result('bad when', 'h1')?.msg).toBe(
      'task "bad when": when threw: no such variable; fix the playbook',
    );
  });

  it('runOnce: runs on the first host only and every host sees the registered result', async () => {
    const r = recorder();
    const { recap } = await run(
      one([
        {
          name: 'create db',
          run: r.record({ name: 'create', status: 'changed' }),
          runOnce: true,
          register: 'db',
        },
        {
          name: 'uses db',
          run: r.record({ name: 'use' }),
          when: (ctx) => ctx.registered.db?.data?.host === 'h1',
        },
      ]),
      { all: ['h1', 'h2', 'h3'] },
    );
    expect(r.runs.map((x) => `${x.name}@${x.host}`)).toEqual(['create@h1', 'use@h1', 'use@h2', 'use@h3']);
    expect(recap.changed).toBe(1);
  });
});

describe('check mode', () => {
  it("skips 'none' modules, runs probes and full modules with ctx.check", async () => {
    const r = recorder();
    const { recap, reporter } = await run(
      one([
        { name: 'probe', run: r.probe({ name: 'probe' }) },
        { name: 'simulated', run: r.record({ name: 'simulated', status: 'changed' }) },
        { name: 'opaque', run: r.unpredictable({ name: 'opaque', status: 'changed' }) },
      ]),
      { all: ['h1'] },
      { check: true, expectNoChanges: true },
    );
    expect(r.runs.map((x) => [x.name, x.check])).toEqual([
      ['probe', true],
      ['simulated', true],
    ]);
    expect(reporter.result('opaque', 'h1')).toMatchObject({
      status: 'skipped',
      msg: 'skipped in check mode',
    });
    expect(recap.hosts.h1).toMatchObject({ ok: 2, changed: 1, skipped: 1 });
    expect(recap.changes).toEqual([{ playbook: 'pb', play: 'p', task: 'simulated', host: 'h1' }]);
    expect(reporter.warnings()).toEqual([
      'expected no changes, but 1 task result(s) would change:\n  h1: p / simulated',
    ]);
    expect(exitCodeFor(recap, true)).toBe(3);
    expect(exitCodeFor(recap, false)).toBe(0);
  });
  it('runs read-only commands with per-host args in check mode and skips mutating ones', async () => {
    const { recap, reporter } = await run(
      one([
        { name: 'probe', run: shell(() => ({ cmd: 'echo probed', readOnly: true })) },
        { name: 'mutate', run: shell(() => ({ cmd: 'echo mutated' })) },
      ]),
      { all: ['h1'] },
      { check: true },
    );
    expect(reporter.result('probe', 'h1')).toMatchObject({ status: 'ok' });
    expect(reporter.result('mutate', 'h1')).toMatchObject({ status: 'skipped' });
    expect(recap.hosts.h1).toMatchObject({ ok: 1, skipped: 1 });
  });
});

describe('tags', () => {
  const tagged = (r: ReturnType<typeof recorder>) =>
    one(
      [
        { name: 'plain', run: r.record({ name: 'plain' }) },
        { name: 'config', run: r.record({ name: 'config' }), tags: ['config'] },
        { name: 'always', run: r.record({ name: 'always' }), tags: ['always'] },
        { name: 'debug', run: r.record({ name: 'debug' }), tags: ['never', 'debug'] },
      ],
      { tags: ['svc'] },
    );

  it('selects like ansible-playbook --tags/--skip-tags', async () => {
    const cases: [{ tags?: string[]; skipTags?: string[] }, string[]][] = [
      [{}, ['plain', 'config', 'always']],
      [{ tags: ['config'] }, ['config', 'always']],
      [{ tags: ['debug'] }, ['always', 'debug']],
      // The play's tag is inherited, so asking for it selects even the 'never' task (as Ansible does).
      [{ tags: ['svc'] }, ['plain', 'config', 'always', 'debug']],
      [{ skipTags: ['config'] }, ['plain', 'always']],
      [{ tags: ['config'], skipTags: ['always'] }, ['config']],
      [{ skipTags: ['svc'] }, []],
    ];
    for (const [filter, expected] of cases) {
      const r = recorder();
      await run(tagged(r), { all: ['h1'] }, filter);
      expect(r.names(), JSON.stringify(filter)).toEqual(expected);
    }
  });

  it('understands the tagged/untagged/all selectors', () => {
    expect(taskSelected([], { tags: ['untagged'] })).toBe(true);
    expect(taskSelected(['x'], { tags: ['untagged'] })).toBe(false);
    expect(taskSelected(['x'], { tags: ['tagged'] })).toBe(true);
    expect(taskSelected(['always'], { skipTags: ['all'] })).toBe(true);
    expect(taskSelected(['x'], { skipTags: ['all'] })).toBe(false);
  });
});
