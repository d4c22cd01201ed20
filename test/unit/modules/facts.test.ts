import { describe, expect, it } from 'vitest';
import { factsModule } from '../../../engine/modules/facts.ts';
import type { ModuleContext } from '../../../engine/modules/module.ts';
import { LocalTransport } from '../../../engine/transports/local.ts';

describe('facts', () => {
  it('gathers what later steps need in a single command on the host', async () => {
    const transport = new LocalTransport('localhost');
    let execs = 0;
    const counting = Object.assign(Object.create(transport), {
      exec: (cmd: string) => {
        execs++;
        return transport.exec(cmd);
      },
    });
    const ctx = { host: { name: 'localhost' }, transport: counting, check: true } as unknown as ModuleContext;
    const res = await factsModule.run({ nodePath: process.execPath }, ctx);
    expect(res.status).toBe('ok');
    expect(execs).toBe(1);
    expect(res.data).toMatchObject({ arch: process.arch === 'x64' ? 'x86_64' : expect.any(String) });
    expect(res.data?.node).toBe(process.version);
    expect(res.data?.cpus).toBeGreaterThan(0);
    expect(res.data?.memTotalMB).toBeGreaterThan(0);
    expect(typeof res.data?.systemd).toBe('boolean');
  });

  it('reports a program that is not there as null', async () => {
    const ctx = {
      host: { name: 'localhost' },
      transport: new LocalTransport('localhost'),
      check: false,
    } as unknown as ModuleContext;
    const res = await factsModule.run({ nodePath: '/nonexistent/node' }, ctx);
    expect(res.data?.node).toBeNull();
  });
});
