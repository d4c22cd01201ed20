import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { command, shell } from '../../../engine/modules/command.ts';
import { Secret } from '../../../engine/secret.ts';
import { type Harness, harness } from './support.ts';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('command', () => {
  it('passes argv unchanged through the shell and reports changed', async () => {
    const res = await h.run(command({ argv: ['printf', '%s|', "it's", 'a b', '$HOME'] }));
    expect(res.status).toBe('changed');
    expect(res.stdout).toBe("it's|a b|$HOME|");
    expect(res.data?.exitCode).toBe(0);
  });

  it('fails with the command, exit code, host and output tail', async () => {
    const res = await h.run(shell({ cmd: 'echo partial; echo "no such thing" >&2; exit 3' }));
    expect(res.status).toBe('failed');
    expect(res.exitCode).toBe(3);
    expect(res.msg).toContain('testhost');
    expect(res.msg).toContain('exit code 3: no such thing');
    expect(res.command).toContain('exit 3');
    expect(res.stdout).toBe('partial');
  });

  it('skips with creates/removes guards', async () => {
    const marker = `${h.dir}/marker`;
    expect((await h.run(shell({ cmd: `touch ${marker}`, creates: marker }))).status).toBe('changed');
    const again = await h.run(shell({ cmd: `touch ${marker}`, creates: marker }));
    expect(again.status).toBe('ok');
    expect(again.msg).toContain('exists');
    expect((await h.run(shell({ cmd: 'true', removes: `${h.dir}/missing` }))).status).toBe('ok');
  });

  it('honours chdir, env (Secrets revealed), stdin and timeoutMs', async () => {
    const res = await h.run(
      shell({
        cmd: 'pwd; echo "$GREETING $PASS"; cat',
        chdir: h.dir,
        env: { GREETING: 'hi', PASS: new Secret('s3') },
        stdin: 'from-stdin',
      }),
    );
    expect(res.stdout).toBe(`${h.dir}\nhi s3\nfrom-stdin`);
    const slow = await h.run(shell({ cmd: 'exec sleep 5', timeoutMs: 200 }));
    expect(slow.status).toBe('failed');
    expect(slow.msg).toMatch(/timed out after 200 ms on host testhost/);
  });

  it('is skipped in check mode unless readOnly, which runs and reports ok', async () => {
    const marker = `${h.dir}/check-marker`;
    const skipped = await h.run(shell({ cmd: `touch ${marker}` }), { check: true });
    expect(skipped.status).toBe('skipped');
    expect(await h.transport.stat(marker)).toBeUndefined();
    const probe = await h.run(command({ argv: ['uname', '-s'], readOnly: true }), { check: true });
    expect(probe.status).toBe('ok');
    expect(probe.stdout).toContain('Linux');
  });

  it('guards per-host args in check mode too', async () => {
    const marker = `${h.dir}/fn-marker`;
    const res = await h.run(
      shell(() => ({ cmd: `touch ${marker}` })),
      { check: true },
    );
    expect(res.status).toBe('skipped');
    expect(await h.transport.stat(marker)).toBeUndefined();
  });
});
