/**
 * Test harness for modules: the real local transport (real sh, real files), a host whose deploy_dir is
 * a fresh temp dir, and a ModuleContext running a ModuleCall the way the runner does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host, Inventory } from '../../../engine/inventory/types.ts';
import type { ModuleCall, ModuleContext, ModuleResult } from '../../../engine/modules/module.ts';
import { LocalTransport } from '../../../engine/transports/local.ts';
import type { Transport } from '../../../engine/transports/transport.ts';

export interface Harness {
  dir: string;
  host: Host;
  transport: Transport;
  logs: string[];
  /** Runs a module call on the test host; options set check/diff mode. */
  run<A>(call: ModuleCall<A>, options?: { check?: boolean; diff?: boolean }): Promise<ModuleResult>;
  cleanup(): Promise<void>;
}

export async function harness(vars: Record<string, unknown> = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'owctl-modules-'));
  const host: Host = {
    name: 'testhost',
    groups: ['all'],
    vars: {
      ansible_host: '127.0.0.1',
      ansible_connection: 'local',
      deploy_dir: join(dir, 'deploy'),
      ...vars,
    } as Host['vars'],
  };
  const inventory: Inventory = {
    name: 'test',
    dir,
    hosts: new Map([[host.name, host]]),
    groups: new Map([['all', [host.name]]]),
    children: new Map(),
    match: () => [host.name],
    explain: () => [],
  };
  const transport = new LocalTransport(host.name);
  const logs: string[] = [];
  return {
    dir,
    host,
    transport,
    logs,
    async run<A>(moduleCall: ModuleCall<A>, options: { check?: boolean; diff?: boolean } = {}) {
      const ctx: ModuleContext = {
        host,
        inventory,
        transport,
        check: options.check ?? false,
        diff: options.diff ?? false,
        registered: {},
        log: (line) => logs.push(line),
      };
      // As the runner does: a module that cannot predict its effect is skipped in check mode.
      if (ctx.check && moduleCall.module.checkMode === 'none') return { status: 'skipped' };
      const given = moduleCall.args;
      const args =
        typeof given === 'function'
          ? await (given as (c: ModuleContext) => A | Promise<A>)(ctx)
          : (given as A);
      return await moduleCall.module.run(args, ctx);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
