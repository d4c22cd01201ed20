/**
 * Ansible's `delegate_to: localhost`: run a module on the machine running owctl instead of the
 * play's host — for files that belong to the operator (wskprops), not to a server.
 */
import { call, type ModuleCall, type ModuleContext } from '../../engine/modules/module.ts';
import { LocalTransport } from '../../engine/transports/local.ts';

export function onController<A>(inner: ModuleCall<A>): ModuleCall<ModuleCall<A>> {
  return call(
    {
      name: `${inner.module.name} (on controller)`,
      checkMode: inner.module.checkMode,
      async run(mc: ModuleCall<A>, ctx: ModuleContext) {
        const local: ModuleContext = { ...ctx, transport: new LocalTransport('localhost') };
        const args =
          typeof mc.args === 'function' ? await (mc.args as (c: ModuleContext) => A)(local) : mc.args;
        return mc.module.run(args as A, local);
      },
    },
    inner,
  );
}
