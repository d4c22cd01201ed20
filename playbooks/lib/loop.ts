/**
 * Ansible's `loop`: run one module once per item of a list computed for the host, and report the
 * combined outcome (failed if any failed, else changed if any changed). Items run in order and
 * stop at the first failure, as a task list would.
 */
import type { Diff, ModuleCall, ModuleContext, ModuleResult } from '../../engine/modules/module.ts';
import { call, runCall } from '../../engine/modules/module.ts';

interface LoopArgs<T> {
  items: T[];
  make: (item: T, ctx: ModuleContext) => ModuleCall<unknown>;
  label: (item: T) => string;
}

async function runOne(mc: ModuleCall<unknown>, ctx: ModuleContext): Promise<ModuleResult> {
  if (ctx.check && mc.module.checkMode === 'none') return { status: 'skipped', msg: 'skipped in check mode' };
  return await runCall(mc, ctx);
}

export function loop<T>(
  items: (ctx: ModuleContext) => T[],
  make: (item: T, ctx: ModuleContext) => ModuleCall<unknown>,
  label: (item: T) => string = String,
): ModuleCall<LoopArgs<T>> {
  return call(
    {
      name: 'loop',
      // Each item honours check mode itself (skipping what cannot be simulated).
      checkMode: 'full',
      async run(args: LoopArgs<T>, ctx: ModuleContext): Promise<ModuleResult> {
        const msgs: string[] = [];
        const diffs: Diff[] = [];
        let anyChanged = false;
        let allSkipped = args.items.length > 0;
        for (const item of args.items) {
          const res = await runOne(args.make(item, ctx), ctx);
          if (res.diff) diffs.push(...res.diff);
          if (res.msg) msgs.push(`${args.label(item)}: ${res.msg}`);
          if (res.status === 'failed') return { ...res, msg: `${args.label(item)}: ${res.msg ?? 'failed'}` };
          if (res.status === 'changed') anyChanged = true;
          if (res.status !== 'skipped') allSkipped = false;
        }
        const status = anyChanged ? 'changed' : allSkipped ? 'skipped' : 'ok';
        return { status, msg: msgs.join('; ') || undefined, diff: diffs.length ? diffs : undefined };
      },
    },
    (ctx: ModuleContext) => ({ items: items(ctx), make, label }),
  );
}
