/**
 * Modules whose effect depends on their args (a command, an HTTP call): one implementation, two
 * faces. With `readOnly` they are probes that also run in check mode; otherwise the runner skips
 * them in check mode because their effect cannot be predicted.
 */
import {
  type ArgsOf,
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from './module.ts';

export interface ReadOnlyAware<A> {
  /** checkMode 'none': skipped in check mode. */
  mutating: Module<A>;
  /** checkMode 'probe': runs in check mode too. */
  probe: Module<A>;
  /**
   * Binds args: static args choose their face now; per-host args take the probe face, whose guard
   * skips them in check mode unless the args computed at run time are read-only.
   */
  bind(args: ArgsOf<A>): ModuleCall<A>;
}

export function readOnlyAware<A>(
  name: string,
  isReadOnly: (args: A) => boolean,
  run: (args: A, ctx: ModuleContext) => Promise<ModuleResult>,
): ReadOnlyAware<A> {
  const guarded = async (args: A, ctx: ModuleContext): Promise<ModuleResult> => {
    // Per-host args are only known at run time, so the probe face may meet mutating args here.
    if (ctx.check && !isReadOnly(args)) {
      return { status: 'skipped', msg: `${name} skipped in check mode: its effect cannot be predicted` };
    }
    return await run(args, ctx);
  };
  const mutating: Module<A> = { name, checkMode: 'none', run: guarded };
  const probe: Module<A> = { name, checkMode: 'probe', run: guarded };
  return {
    mutating,
    probe,
    bind: (args) => call(typeof args === 'function' || isReadOnly(args as A) ? probe : mutating, args),
  };
}
