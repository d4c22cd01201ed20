import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { TransportPool } from '../../../engine/transports/pool.ts';
import { inventoryHost } from '../../support/hosts.ts';

describe('local transport', () => {
  const dir = mkdtempSync(`${tmpdir()}/owctl-local-`);
  const pool = new TransportPool();
  const local = pool.get(inventoryHost('localhost', { ansible_host: 'localhost' }));

  afterAll(async () => {
    await pool.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is chosen for localhost and runs sh command lines with env, cwd and stdin', async () => {
    expect(local.kind).toBe('local');
    const res = await local.exec('printf "%s %s " "$A" "$(pwd)"; cat; echo err >&2; exit 4', {
      env: { A: 'a b' },
      cwd: dir,
      stdin: 'in',
    });
    expect(res).toMatchObject({ exitCode: 4, stdout: `a b ${dir} in`, stderr: 'err\n', timedOut: false });
  });

  it('times out a command and everything it started', async () => {
    const res = await local.exec('sleep 20 & sleep 20; wait', { timeoutMs: 200 });
    expect(res.timedOut).toBe(true);
    expect(res.durationMs).toBeLessThan(3000);
  });

  it('writes atomically with parents and mode, reads back, stats without following symlinks', async () => {
    const path = `${dir}/x/y/file`;
    await local.writeFile(path, Buffer.from([0, 1, 2]), { mode: 0o600 });
    expect(await local.readFile(path)).toEqual(Buffer.from([0, 1, 2]));
    expect(await local.stat(path)).toMatchObject({ isFile: true, mode: 0o600, size: 3 });
    await local.writeFile(path, 'replaced');
    expect(await local.stat(path)).toMatchObject({ mode: 0o600, size: 8 });
    symlinkSync('/nonexistent', `${dir}/link`);
    expect(await local.stat(`${dir}/link`)).toMatchObject({ isSymlink: true });
    expect(await local.readFile(`${dir}/missing`)).toBeUndefined();
    expect(await local.stat(`${dir}/missing/deeper`)).toBeUndefined();
  });
});
