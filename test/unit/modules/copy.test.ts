import { lstat, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copy } from '../../../engine/modules/copy.ts';
import { Secret } from '../../../engine/secret.ts';
import { type Harness, harness } from './support.ts';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('copy', () => {
  it('writes content with mode and parents, then is idempotent', async () => {
    const dest = `${h.dir}/etc/app.conf`;
    const first = await h.run(copy({ dest, content: 'port=1\n', mode: '0640' }));
    expect(first.status).toBe('changed');
    expect(first.msg).toBe(`create ${dest} (mode 0640)`);
    expect(await readFile(dest, 'utf8')).toBe('port=1\n');
    expect((await lstat(dest)).mode & 0o777).toBe(0o640);
    const second = await h.run(copy({ dest, content: 'port=1\n', mode: '0640' }));
    expect(second.status).toBe('ok');
    expect(second.data?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows a text diff and changes nothing in check mode', async () => {
    const dest = `${h.dir}/app.conf`;
    await writeFile(dest, 'port=1\n');
    const res = await h.run(copy({ dest, content: 'port=2\n' }), { check: true, diff: true });
    expect(res.status).toBe('changed');
    expect(res.msg).toBe(`would update content of ${dest}`);
    expect(res.diff).toEqual([{ target: dest, before: 'port=1\n', after: 'port=2\n' }]);
    expect(await readFile(dest, 'utf8')).toBe('port=1\n');
  });

  it('fixes only the mode when content matches, keeping mode on rewrite', async () => {
    const dest = `${h.dir}/m`;
    await writeFile(dest, 'x', { mode: 0o600 });
    const res = await h.run(copy({ dest, content: 'x', mode: '0644' }), { diff: true });
    expect(res.msg).toBe(`${dest}: mode 0600 → 0644`);
    expect(res.diff?.[0]).toEqual({ target: dest, before: 'mode: 0600\n', after: 'mode: 0644\n' });
    await h.run(copy({ dest, content: 'x', mode: '0600' }));
    await h.run(copy({ dest, content: 'y' }));
    expect((await lstat(dest)).mode & 0o777).toBe(0o600);
  });

  it('never shows Secret content in msg or diff', async () => {
    const dest = `${h.dir}/secret.txt`;
    await writeFile(dest, 'old-password');
    const res = await h.run(copy({ dest, content: new Secret('new-password') }), { diff: true });
    expect(res.status).toBe('changed');
    expect(JSON.stringify(res)).not.toContain('password');
    expect(res.diff?.[0]?.after).toBe('(secret content changed)\n');
    expect(await readFile(dest, 'utf8')).toBe('new-password');
    expect((await h.run(copy({ dest, content: new Secret('new-password') }))).status).toBe('ok');
  });

  it('copies a controller file and summarises binary diffs', async () => {
    const src = `${h.dir}/blob.bin`;
    await writeFile(src, Buffer.from([0, 1, 2, 3]));
    const res = await h.run(copy({ dest: `${h.dir}/out/blob.bin`, src }), { diff: true });
    expect(res.status).toBe('changed');
    expect(res.diff?.[0]?.after).toMatch(/^\(binary content, 4 bytes, sha256 [0-9a-f]{64}\)/);
  });

  it('truncates long text diffs', async () => {
    const dest = `${h.dir}/long`;
    const content = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const res = await h.run(copy({ dest, content }), { check: true, diff: true });
    expect(res.diff?.[0]?.after).toContain('… (truncated: 1500 more lines)');
  });

  it('fails naming the missing source, and a directory dest', async () => {
    const missing = await h.run(copy({ dest: `${h.dir}/x`, src: `${h.dir}/nope` }));
    expect(missing.status).toBe('failed');
    expect(missing.msg).toContain(`cannot read source ${h.dir}/nope on the controller`);
    const dir = await h.run(copy({ dest: h.dir, content: 'x' }));
    expect(dir.msg).toContain('is a directory');
  });
});
