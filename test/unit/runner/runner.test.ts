import { describe, expect, it } from 'vitest';
import { definePlaybook } from '../../../engine/runner/playbook.ts';
import { exitCodeFor } from '../../../engine/runner/recap.ts';
import { runPlaybooks } from '../../../engine/runner/runner.ts';
import { inventory, RecordingReporter, recorder, run, sh, transports } from './support.ts';

const hosts5 = { web: ['h1', 'h2', 'h3', 'h4', 'h5'] };

describe('runPlaybooks ordering and parallelism', () => {
  it('runs plays in order and each task on every host before the next task (linear)', async () => {
    const r = recorder();
    const pb = definePlaybook({
      name: 'order',
      plays: [
        {
          name: 'first',
          hosts: 'web',
          tasks: [
            { name: 'a', run: r.record({ name: 'a' }) },
            { name: 'b', run: r.record({ name: 'b' }) },
          ],
        },
        { name: 'second', hosts: 'h1', tasks: [{ name: 'c', run: r.record({ name: 'c' }) }] },
      ],
    });
    const { recap } = await run(pb, { web: ['h1', 'h2', 'h3'] });
    const names = r.runs.map((x) => x.name);
    expect(names).toEqual(['a', 'a', 'a', 'b', 'b', 'b', 'c']);
    expect(r.names('h1')).toEqual(['a', 'b', 'c']);
    expect(recap.hosts.h1).toMatchObject({ ok: 3, changed: 0, failed: 0 });
    expect(exitCodeFor(recap)).toBe(0);
  });

  it('works on at most `forks` hosts at once', async () => {
    const r = recorder();
    const pb = definePlaybook({
      name: 'forks',
      plays: [
        { name: 'p', hosts: 'all', tasks: [{ name: 'slow', run: r.record({ name: 'slow', delayMs: 60 }) }] },
      ],
    });
    await run(pb, hosts5, { forks: 2 });
    // Most runs in flight at any start instant.
    const overlap = Math.max(
      ...r.runs.map((x) => r.runs.filter((y) => y.start <= x.start && y.end > x.start).length),
    );
    expect(overlap).toBe(2);

    const r2 = recorder();
    const wide = definePlaybook({
      name: 'forks',
      plays: [
        { name: 'p', hosts: 'all', tasks: [{ name: 'slow', run: r2.record({ name: 'slow', delayMs: 60 }) }] },
      ],
    });
    const started = performance.now();
    await run(wide, hosts5);
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('drops a failed host for the rest of the run while the others go on', async () => {
    const r = recorder();
    const pb = definePlaybook({
      name: 'fail',
      plays: [
        {
          name: 'p1',
          hosts: 'all',
          tasks: [
            { name: 'probe', run: sh('test "$(hostname)" && true') },
            {
              name: 'breaks on h2',
              run: r.record({ name: 'x', status: (ctx) => (ctx.host.name === 'h2' ? 'failed' : 'changed') }),
            },
            { name: 'after', run: r.record({ name: 'after' }) },
          ],
        },
        { name: 'p2', hosts: 'all', tasks: [{ name: 'later', run: r.record({ name: 'later' }) }] },
      ],
    });
    const { recap } = await run(pb, { all: ['h1', 'h2', 'h3'] });
    expect(r.names('h2')).toEqual(['x']);
    expect(r.names('h1')).toEqual(['x', 'after', 'later']);
    expect(recap.hosts.h2).toMatchObject({ ok: 1, changed: 1, failed: 1 });
    expect(recap.hosts.h1).toMatchObject({ ok: 4, changed: 2, failed: 0 });
    expect(recap.failed).toBe(true);
    expect(recap.failures).toMatchObject([{ play: 'p1', task: 'breaks on h2', host: 'h2', msg: 'x failed' }]);
    expect(exitCodeFor(recap)).toBe(2);
  });

  it('reports a module that throws as a failed task with its message', async () => {
    const r = recorder();
    const pb = definePlaybook({
      name: 'throw',
      plays: [
        {
          name: 'p',
          hosts: 'all',
          tasks: [{ name: 'boom', run: r.record({ name: 'b', throws: 'disk full' }) }],
        },
      ],
    });
    const { recap, reporter } = await run(pb, { all: ['h1'] });
    expect(reporter.result('boom', 'h1')).toMatchObject({ status: 'failed', msg: 'record_full: disk full' });
    expect(recap.hosts.h1?.failed).toBe(1);
  });

  it('marks a host whose connection fails unreachable; the others finish', async () => {
    const r = recorder();
    const pool = transports(['h2']);
    const reporter = new RecordingReporter();
    const pb = definePlaybook({
      name: 'unreach',
      plays: [
        {
          name: 'p',
          hosts: 'all',
          tasks: [
            { name: 't1', run: r.record({ name: 't1' }) },
            { name: 't2', run: r.record({ name: 't2' }) },
          ],
        },
      ],
    });
    const recap = await runPlaybooks([pb], {
      inventory: inventory({ all: ['h1', 'h2', 'h3'] }),
      transports: pool,
      reporter,
    });
    expect(r.names('h1')).toEqual(['t1', 't2']);
    expect(r.names('h3')).toEqual(['t1', 't2']);
    expect(r.names('h2')).toEqual([]);
    expect(pool.opened.filter((h) => h === 'h2')).toHaveLength(1);
    expect(pool.closed).toBe(true);
    expect(recap.hosts.h2).toMatchObject({ unreachable: 1, ok: 0, failed: 0 });
    expect(recap.unreachable).toBe(true);
    expect(recap.failed).toBe(false);
    expect(reporter.events).toContainEqual(['unreachable', 't1', 'h2', 'connection refused']);
    expect(exitCodeFor(recap)).toBe(4);
  });

  it('stops starting tasks once interrupted, lets running ones finish, and exits 130', async () => {
    const r = recorder();
    const interrupt = new AbortController();
    const pb = definePlaybook({
      name: 'ctrl-c',
      plays: [
        {
          name: 'p',
          hosts: 'all',
          tasks: [
            { name: 'slow', run: r.record({ name: 'slow', delayMs: 80 }) },
            { name: 'next', run: r.record({ name: 'next' }) },
          ],
        },
        { name: 'later', hosts: 'all', tasks: [{ name: 'later', run: r.record({ name: 'later' }) }] },
      ],
    });
    setTimeout(() => interrupt.abort(), 20);
    const { recap } = await run(pb, { all: ['h1', 'h2'] }, { signal: interrupt.signal });
    expect(r.names()).toEqual(['slow', 'slow']);
    expect(recap.interrupted).toBe(true);
    expect(exitCodeFor(recap)).toBe(130);
  });

  it('restricts every play to --limit and refuses a limit matching nothing', async () => {
    const r = recorder();
    const pb = definePlaybook({
      name: 'limit',
      plays: [{ name: 'p', hosts: 'all', tasks: [{ name: 't', run: r.record({ name: 't' }) }] }],
    });
    const { recap } = await run(pb, hosts5, { limit: 'h2,h4' });
    expect(r.runs.map((x) => x.host)).toEqual(['h2', 'h4']);
    expect(Object.keys(recap.hosts)).toEqual(['h2', 'h4']);
    await expect(run(pb, hosts5, { limit: 'nosuch' })).rejects.toThrow(/--limit "nosuch" matches no host/);
  });

  it('rejects a task that notifies an unknown handler before running anything', async () => {
    const r = recorder();
    const pb = definePlaybook({
      name: 'bad',
      plays: [
        {
          name: 'p',
          hosts: 'all',
          tasks: [{ name: 't', run: r.record({ name: 't' }), notify: ['restart ngnix'] }],
          handlers: [{ name: 'restart nginx', run: r.record({ name: 'h' }) }],
        },
      ],
    });
    await expect(run(pb, hosts5)).rejects.toThrow(
      /notifies handler "restart ngnix".*handlers: restart nginx/,
    );
    expect(r.runs).toHaveLength(0);
  });
});

describe('serial batches and max_fail_percentage', () => {
  it('runs the play batch by batch, handlers at the end of each batch', async () => {
    const r = recorder();
    const pb = definePlaybook({
      name: 'rolling',
      plays: [
        {
          name: 'roll',
          hosts: 'web',
          serial: 2,
          tasks: [
            { name: 'a', run: r.record({ name: 'a', status: 'changed' }), notify: ['h'] },
            { name: 'b', run: r.record({ name: 'b' }) },
          ],
          handlers: [{ name: 'h', run: r.record({ name: 'handler' }) }],
        },
      ],
    });
    const { reporter } = await run(pb, hosts5);
    const plays = reporter.events.filter((e) => e[0] === 'play');
    expect(plays).toEqual([
      ['play', 'roll', ['h1', 'h2'], 1, 3],
      ['play', 'roll', ['h3', 'h4'], 2, 3],
      ['play', 'roll', ['h5'], 3, 3],
    ]);
    expect(r.runs.map((x) => `${x.name}@${x.host}`)).toEqual([
      'a@h1',
      'a@h2',
      'b@h1',
      'b@h2',
      'handler@h1',
      'handler@h2',
      'a@h3',
      'a@h4',
      'b@h3',
      'b@h4',
      'handler@h3',
      'handler@h4',
      'a@h5',
      'b@h5',
      'handler@h5',
    ]);
  });

  it('takes a percentage, rounding down but never below one host', async () => {
    const r = recorder();
    const pb = definePlaybook({
      name: 'pct',
      plays: [
        { name: 'p', hosts: 'web', serial: '40%', tasks: [{ name: 'a', run: r.record({ name: 'a' }) }] },
      ],
    });
    const { reporter } = await run(pb, hosts5);
    expect(reporter.events.filter((e) => e[0] === 'play').map((e) => e[2])).toEqual([
      ['h1', 'h2'],
      ['h3', 'h4'],
      ['h5'],
    ]);
    const one = definePlaybook({ ...pb, plays: [{ ...pb.plays[0]!, serial: '1%' }] });
    const again = await run(one, hosts5);
    expect(again.reporter.events.filter((e) => e[0] === 'play')).toHaveLength(5);
    await expect(run({ ...pb, plays: [{ ...pb.plays[0]!, serial: 'half' }] }, hosts5)).rejects.toThrow(
      /serial "half" is neither a number nor a percentage/,
    );
  });

  it('stops a rolling update at the first failing batch by default', async () => {
    const r = recorder();
    const pb = definePlaybook({
      name: 'roll-fail',
      plays: [
        {
          name: 'roll',
          hosts: 'web',
          serial: 2,
          tasks: [
            {
              name: 'a',
              run: r.record({ name: 'a', status: (c) => (c.host.name === 'h1' ? 'failed' : 'ok') }),
            },
            { name: 'b', run: r.record({ name: 'b' }) },
          ],
        },
        { name: 'next play', hosts: 'all', tasks: [{ name: 'c', run: r.record({ name: 'c' }) }] },
      ],
    });
    const { recap, reporter } = await run(pb, hosts5);
    expect(r.runs.map((x) => `${x.name}@${x.host}`)).toEqual(['a@h1', 'a@h2']);
    expect(recap.aborted).toMatch(/1 of 2 hosts in the batch failed/);
    expect(reporter.warnings().join('\n')).toMatch(/max_fail_percentage 0%/);
    expect(exitCodeFor(recap)).toBe(2);
  });

  it('tolerates failures up to maxFailPercentage', async () => {
    const r = recorder();
    const failOn = new Set(['h1', 'h3']);
    const pb = definePlaybook({
      name: 'tolerant',
      plays: [
        {
          name: 'roll',
          hosts: 'web',
          serial: 4,
          maxFailPercentage: 50,
          tasks: [
            {
              name: 'a',
              run: r.record({ name: 'a', status: (c) => (failOn.has(c.host.name) ? 'failed' : 'ok') }),
            },
            { name: 'b', run: r.record({ name: 'b' }) },
          ],
        },
      ],
    });
    const { recap } = await run(pb, hosts5);
    expect(recap.aborted).toBeUndefined();
    expect(r.names('h5')).toEqual(['a', 'b']);
    expect(r.names('h2')).toEqual(['a', 'b']);

    failOn.add('h2');
    const r2 = await run(pb, hosts5);
    expect(r2.recap.aborted).toMatch(/3 of 4 hosts in the batch failed \(75% > max_fail_percentage 50%\)/);
  });

  it('without serial a failing host does not stop the play for the others', async () => {
    const r = recorder();
    const pb = definePlaybook({
      name: 'plain',
      plays: [
        {
          name: 'p',
          hosts: 'web',
          tasks: [
            {
              name: 'a',
              run: r.record({ name: 'a', status: (c) => (c.host.name === 'h1' ? 'failed' : 'ok') }),
            },
            { name: 'b', run: r.record({ name: 'b' }) },
          ],
        },
      ],
    });
    const { recap } = await run(pb, hosts5);
    expect(r.names().filter((n) => n === 'b')).toHaveLength(4);
    expect(recap.aborted).toBeUndefined();
  });
});
