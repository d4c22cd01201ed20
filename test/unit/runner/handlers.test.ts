import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { definePlaybook, type Play, type Playbook } from '../../../engine/runner/playbook.ts';
import { exitCodeFor } from '../../../engine/runner/recap.ts';
import { recorder, run, sh, tempDir } from './support.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

/** Playbook 'svc' with one play 'p' on all hosts: the names the journal entries below refer to. */
function svcPlaybook(play: Pick<Play, 'tasks' | 'handlers'>): Playbook {
  return definePlaybook({ name: 'svc', plays: [{ name: 'p', hosts: 'all', ...play }] });
}

describe('handlers', () => {
  it('run once per host at the end of the play, only when notified by a change, in definition order', async () => {
    const r = recorder();
    const pb = definePlaybook({
      name: 'handlers',
      plays: [
        {
          name: 'p',
          hosts: 'all',
          tasks: [
            {
              name: 'config',
              run: r.record({ name: 'config', status: (c) => (c.host.name === 'h2' ? 'ok' : 'changed') }),
              notify: ['restart', 'reload'],
            },
            { name: 'again', run: r.record({ name: 'again', status: 'changed' }), notify: ['restart'] },
            { name: 'last task', run: r.record({ name: 'last' }) },
          ],
          handlers: [
            { name: 'reload', run: r.record({ name: 'reload' }) },
            { name: 'restart', run: r.record({ name: 'restart', status: 'changed' }) },
            { name: 'never notified', run: r.record({ name: 'never' }) },
          ],
        },
      ],
    });
    const { recap, reporter } = await run(pb, { all: ['h1', 'h2'] });
    expect(r.names('h1')).toEqual(['config', 'again', 'last', 'reload', 'restart']);
    // h2's config was ok: only "again" notified it, and only restart.
    expect(r.names('h2')).toEqual(['config', 'again', 'last', 'restart']);
    expect(reporter.events.filter((e) => e[0] === 'handler-end').map((e) => `${e[1]}@${e[2]}`)).toEqual([
      'reload@h1',
      'restart@h1',
      'restart@h2',
    ]);
    expect(recap.hosts.h1).toMatchObject({ ok: 5, changed: 3 });
  });

  it('survive a failed run through the journal and run on the next run, then are forgotten', async () => {
    const journalPath = join(tmp.dir, 'local', 'journal.json');
    const marker = join(tmp.dir, 'broken');
    await writeFile(marker, '');
    const r = recorder();
    const playbook = (configStatus: 'changed' | 'ok'): Playbook =>
      definePlaybook({
        name: 'svc',
        plays: [
          {
            name: 'service',
            hosts: 'all',
            tasks: [
              {
                name: 'write config',
                run: r.record({ name: 'config', status: configStatus }),
                notify: ['restart svc'],
              },
              { name: 'fails while broken', run: sh(`test ! -e ${marker}`), changedWhen: () => false },
            ],
            handlers: [{ name: 'restart svc', run: r.record({ name: 'restart', status: 'changed' }) }],
          },
        ],
      });

    const first = await run(playbook('changed'), { all: ['h1'] }, { journalPath });
    expect(exitCodeFor(first.recap)).toBe(2);
    expect(r.names()).toEqual(['config']);
    const journal = JSON.parse(await readFile(journalPath, 'utf8'));
    expect(journal.pending).toMatchObject([
      { playbook: 'svc', play: 'service', host: 'h1', handler: 'restart svc' },
    ]);

    // Fixed; the config is already in place, so nothing notifies — the handler still runs.
    await rm(marker);
    const second = await run(playbook('ok'), { all: ['h1'] }, { journalPath });
    expect(exitCodeFor(second.recap)).toBe(0);
    expect(r.names()).toEqual(['config', 'config', 'restart']);
    expect(second.reporter.warnings().join('\n')).toMatch(
      /handler "restart svc" on h1 was notified at .* did not finish/,
    );
    expect(JSON.parse(await readFile(journalPath, 'utf8')).pending).toEqual([]);

    const third = await run(playbook('ok'), { all: ['h1'] }, { journalPath });
    expect(r.names()).toEqual(['config', 'config', 'restart', 'config']);
    expect(third.recap.changed).toBe(0);
  });

  it('leaves the journal alone in check mode but shows pending handlers would run', async () => {
    const journalPath = join(tmp.dir, 'journal.json');
    const pending = {
      version: 1,
      pending: [{ playbook: 'svc', play: 'p', host: 'h1', handler: 'restart', notifiedAt: 'then' }],
    };
    await writeFile(journalPath, JSON.stringify(pending));
    const r = recorder();
    const pb = svcPlaybook({
      tasks: [{ name: 't', run: r.record({ name: 't' }) }],
      handlers: [{ name: 'restart', run: r.record({ name: 'restart', status: 'changed' }) }],
    });
    const { recap } = await run(pb, { all: ['h1'] }, { journalPath, check: true });
    expect(r.runs.map((x) => [x.name, x.check])).toEqual([
      ['t', true],
      ['restart', true],
    ]);
    expect(recap.changed).toBe(1);
    expect(JSON.parse(await readFile(journalPath, 'utf8'))).toEqual(pending);
  });

  it('forgets journal entries for handlers the play no longer has, and reports a corrupt journal', async () => {
    const journalPath = join(tmp.dir, 'journal.json');
    await writeFile(
      journalPath,
      JSON.stringify({
        version: 1,
        pending: [{ playbook: 'svc', play: 'p', host: 'h1', handler: 'gone', notifiedAt: 'x' }],
      }),
    );
    const r = recorder();
    const pb = svcPlaybook({ tasks: [{ name: 't', run: r.record({ name: 't' }) }] });
    const { reporter } = await run(pb, { all: ['h1'] }, { journalPath });
    expect(reporter.warnings().join('\n')).toMatch(/no such handler any more; forgetting it/);
    expect(JSON.parse(await readFile(journalPath, 'utf8')).pending).toEqual([]);

    await writeFile(journalPath, '{not json');
    await expect(run(pb, { all: ['h1'] }, { journalPath })).rejects.toThrow(/run journal .* is not valid/);
  });

  it('does not run handlers on a host that failed, and keeps them pending', async () => {
    const journalPath = join(tmp.dir, 'journal.json');
    const r = recorder();
    const pb = svcPlaybook({
      tasks: [
        { name: 'change', run: r.record({ name: 'change', status: 'changed' }), notify: ['restart'] },
        {
          name: 'break h2',
          run: r.record({ name: 'x', status: (c) => (c.host.name === 'h2' ? 'failed' : 'ok') }),
        },
      ],
      handlers: [{ name: 'restart', run: r.record({ name: 'restart' }) }],
    });
    await run(pb, { all: ['h1', 'h2'] }, { journalPath });
    expect(r.names('h1')).toContain('restart');
    expect(r.names('h2')).not.toContain('restart');
    expect(JSON.parse(await readFile(journalPath, 'utf8')).pending).toMatchObject([
      { host: 'h2', handler: 'restart' },
    ]);
  });
});
