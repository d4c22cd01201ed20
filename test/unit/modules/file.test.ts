import { lstat, readlink, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { file } from '../../../engine/modules/file.ts';
import { type Harness, harness } from './support.ts';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

const modeOf = async (path: string) => (await lstat(path)).mode & 0o7777;

describe('file', () => {
  it('creates a directory with parents and mode, then is idempotent', async () => {
    const path = `${h.dir}/a/b/c`;
    const first = await h.run(file({ path, state: 'directory', mode: '0750' }));
    expect(first.status).toBe('changed');
    expect((await lstat(path)).isDirectory()).toBe(true);
    expect(await modeOf(path)).toBe(0o750);
    expect((await h.run(file({ path, state: 'directory', mode: 0o750 }))).status).toBe('ok');
  });

  it('changes only the mode of an existing directory, with a diff', async () => {
    const path = `${h.dir}/d`;
    await h.run(file({ path, state: 'directory', mode: '0700' }));
    const res = await h.run(file({ path, state: 'directory', mode: '0755' }), { diff: true });
    expect(res.status).toBe('changed');
    expect(res.diff).toEqual([
      { target: path, before: 'state: directory\nmode: 0700\n', after: 'state: directory\nmode: 0755\n' },
    ]);
    expect(await modeOf(path)).toBe(0o755);
  });

  it('check mode reports what would change and changes nothing', async () => {
    const path = `${h.dir}/x/y`;
    const res = await h.run(file({ path, state: 'directory' }), { check: true, diff: true });
    expect(res.status).toBe('changed');
    expect(res.msg).toBe(`would create directory ${path}`);
    expect(res.diff?.[0]).toMatchObject({ before: 'state: absent\n', after: 'state: directory\n' });
    expect(await h.transport.stat(path)).toBeUndefined();
  });

  it('touches a missing file without touching existing content', async () => {
    const path = `${h.dir}/f.txt`;
    expect((await h.run(file({ path, state: 'file', mode: '0600' }))).status).toBe('changed');
    expect(await modeOf(path)).toBe(0o600);
    await writeFile(path, 'keep me');
    expect((await h.run(file({ path, state: 'file', mode: '0600' }))).status).toBe('ok');
    expect((await h.transport.readFile(path))?.toString()).toBe('keep me');
  });

  it('manages symlinks and retargets them', async () => {
    const path = `${h.dir}/current`;
    expect((await h.run(file({ path, state: 'link', src: '/tmp' }))).status).toBe('changed');
    expect(await readlink(path)).toBe('/tmp');
    expect((await h.run(file({ path, state: 'link', src: '/tmp' }))).status).toBe('ok');
    const moved = await h.run(file({ path, state: 'link', src: '/var' }), { diff: true });
    expect(moved.status).toBe('changed');
    expect(moved.diff?.[0]?.after).toContain('src: /var');
    expect(await readlink(path)).toBe('/var');
  });

  it('removes paths and is ok when already absent', async () => {
    const path = `${h.dir}/gone`;
    await h.run(file({ path: `${path}/inner`, state: 'directory' }));
    expect((await h.run(file({ path, state: 'absent' }), { check: true })).msg).toBe(
      `would remove directory ${path}`,
    );
    expect(await h.transport.stat(path)).toBeDefined();
    expect((await h.run(file({ path, state: 'absent' }))).status).toBe('changed');
    expect(await h.transport.stat(path)).toBeUndefined();
    expect((await h.run(file({ path, state: 'absent' }))).status).toBe('ok');
  });

  it('fails clearly on a type clash, a bad mode and an unknown owner', async () => {
    const path = `${h.dir}/plain`;
    await writeFile(path, '');
    const clash = await h.run(file({ path, state: 'directory' }));
    expect(clash.status).toBe('failed');
    expect(clash.msg).toContain(`${path} on host testhost is a file, not a directory`);
    const badMode = await h.run(file({ path, state: 'file', mode: '0999' }));
    expect(badMode.msg).toMatch(/invalid file mode "0999"/);
    const owner = await h.run(file({ path, state: 'file', owner: 'no-such-user-owctl' }));
    expect(owner.status).toBe('failed');
    expect(owner.msg).toContain('no-such-user-owctl');
  });

  it('applies owner/group only when different', async () => {
    const path = `${h.dir}/owned`;
    const uid = process.getuid?.() ?? 0;
    expect((await h.run(file({ path, state: 'file', owner: uid, group: 'root' }))).status).toBe('changed');
    expect((await h.run(file({ path, state: 'file', owner: uid, group: 'root' }))).status).toBe('ok');
  });
});
