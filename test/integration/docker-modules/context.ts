/** A ModuleContext for running docker modules directly against a test host. */
import type { Host, Inventory } from '../../../engine/inventory/types.ts';
import type { ModuleCall, ModuleContext, ModuleResult } from '../../../engine/modules/module.ts';
import { TransportPool } from '../../../engine/transports/pool.ts';

export const pool = new TransportPool();

export function inventoryOf(host: Host): Inventory {
  return {
    name: 'test',
    dir: process.cwd(),
    hosts: new Map([[host.name, host]]),
    groups: new Map([['all', [host.name]]]),
    children: new Map(),
    match: (pattern) => (pattern === 'all' || pattern === host.name ? [host.name] : []),
    explain: () => [],
  };
}

/** Runs a module call on `host` as the runner would, in check and/or diff mode when asked. */
export async function runOn<A>(
  host: Host,
  task: ModuleCall<A>,
  mode: { check?: boolean; diff?: boolean } = {},
): Promise<ModuleResult> {
  const ctx: ModuleContext = {
    host,
    inventory: inventoryOf(host),
    transport: pool.get(host),
    check: mode.check ?? false,
    diff: mode.diff ?? false,
    registered: {},
    log: () => {},
  };
  const args =
    typeof task.args === 'function' ? await (task.args as (c: ModuleContext) => A)(ctx) : (task.args as A);
  return await task.module.run(args, ctx);
}
