import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { template } from '../../../engine/modules/template.ts';
import { Secret } from '../../../engine/secret.ts';
import { type Harness, harness } from './support.ts';

let h: Harness;
beforeEach(async () => {
  h = await harness({
    db: { host: 'db0', port: 5984, password: new Secret('s3cr3t-pw') },
    controllers: ['c0', 'c1'],
  });
});
afterEach(async () => {
  await h.cleanup();
});

async function tpl(name: string, text: string): Promise<string> {
  const path = `${h.dir}/${name}`;
  await writeFile(path, text);
  return path;
}

describe('template', () => {
  it('renders host vars plus extra vars without HTML escaping, idempotently', async () => {
    const src = await tpl(
      'app.hbs',
      'db={{db.host}}:{{db.port}} who={{who}} list={{join controllers}} {{join controllers " "}} {{json controllers}}\n',
    );
    const dest = `${h.dir}/out/app.conf`;
    const res = await h.run(template({ src, dest, vars: { who: '<a&b>' } }));
    expect(res.status).toBe('changed');
    expect(await readFile(dest, 'utf8')).toBe('db=db0:5984 who=<a&b> list=c0,c1 c0 c1 ["c0","c1"]\n');
    expect((await h.run(template({ src, dest, vars: { who: '<a&b>' } }))).status).toBe('ok');
  });

  it('fails on a missing variable naming its full path and the template', async () => {
    const src = await tpl('broken.hbs', 'ok line\nport={{db.missing.port}}\n');
    const res = await h.run(template({ src, dest: `${h.dir}/x` }));
    expect(res.status).toBe('failed');
    expect(res.msg).toContain(`template ${src} line 2: variable "db.missing.port" is not defined`);
    expect(res.msg).toContain('host testhost');
    expect(await h.transport.stat(`${h.dir}/x`)).toBeUndefined();
  });

  it('fails on an undefined helper argument instead of rendering nothing', async () => {
    const src = await tpl('helper.hbs', 'a\nlist={{json nothing}}\n');
    const res = await h.run(template({ src, dest: `${h.dir}/h` }));
    expect(res.status).toBe('failed');
    expect(res.msg).toContain(
      `template ${src} cannot be rendered: the argument of json at line 2 is not defined`,
    );
  });

  it('supports eq in conditions', async () => {
    const src = await tpl('eq.hbs', '{{#if (eq db.host "db0")}}primary{{else}}other{{/if}}');
    const dest = `${h.dir}/eq`;
    await h.run(template({ src, dest }));
    expect(await readFile(dest, 'utf8')).toBe('primary');
  });

  it('writes revealed secrets but masks the diff', async () => {
    const src = await tpl('secret.hbs', 'user=admin\npassword={{db.password}}\n');
    const dest = `${h.dir}/db.ini`;
    const res = await h.run(template({ src, dest, mode: '0600' }), { diff: true });
    expect(await readFile(dest, 'utf8')).toBe('user=admin\npassword=s3cr3t-pw\n');
    expect(JSON.stringify(res)).not.toContain('s3cr3t-pw');
    expect(res.diff?.[0]?.after).toBe('(content with secrets changed)\n');
  });

  it('shows a plain diff in check mode without writing', async () => {
    const src = await tpl('plain.hbs', 'host={{db.host}}\n');
    const dest = `${h.dir}/plain.conf`;
    await writeFile(dest, 'host=old\n');
    const res = await h.run(template({ src, dest }), { check: true, diff: true });
    expect(res.status).toBe('changed');
    expect(res.diff?.[0]).toEqual({ target: dest, before: 'host=old\n', after: 'host=db0\n' });
    expect(await readFile(dest, 'utf8')).toBe('host=old\n');
  });

  it('fails naming a missing template file', async () => {
    const res = await h.run(template({ src: 'no-such-template.hbs', dest: `${h.dir}/y` }));
    expect(res.msg).toContain('cannot read template templates/no-such-template.hbs on the controller');
  });
});
