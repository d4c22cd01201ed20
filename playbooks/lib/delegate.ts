/**
 * Ansible's `delegate_to: localhost`: run a module on the machine running owctl instead of the
 * play's host — for files that belong to the operator (wskprops), not to a server.
 */
import { call, type ModuleCall, type ModuleContext, runCall } from '../../engine/modules/module.ts';
import { LocalTransport } from '../../engine/transports/local.ts';

export function onController<A>(inner: ModuleCall<A>): ModuleCall<ModuleCall<A>> {
  return call(
    {
      name: `${inner.module.name} (on controller)`,
      checkMode: inner.module.checkMode,
      async run(mc: ModuleCall<A>, ctx: ModuleContext) {
        return await runCall(mc, { ...ctx, transport: new LocalTransport('localhost') });
      },
    },
    inner,
  );
}
