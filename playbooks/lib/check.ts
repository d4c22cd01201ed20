/**
 * Check mode on an environment that is not running yet. Tasks that talk to a service (the store,
 * the API) cannot be checked while that service exists only as a "would start" of this same run:
 * they report skipped with that reason instead of failing. When the service runs, they run (read
 * probes) or simulate (modules with check support) as usual.
 */
import {
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
  runCall,
} from '../../engine/modules/module.ts';
import type { Task } from '../../engine/runner/playbook.ts';
import { answers } from './modules.ts';
import { apiHost, dbUrl, topology } from './topology.ts';

interface NeedsArgs {
  inner: ModuleCall<unknown>;
  service: string;
  url: (ctx: ModuleContext) => string;
}

const needsModule: Module<NeedsArgs> = {
  name: 'needs',
  checkMode: 'full',
  async run({ inner, service, url }, ctx) {
    if (ctx.check) {
      const down = await answers(url(ctx), true);
      if (down !== undefined) {
        return {
          status: 'skipped',
          msg: `skipped in check mode: ${service} is not running yet (this deploy would start it)`,
        };
      }
      if (inner.module.checkMode === 'none') return { status: 'skipped', msg: 'skipped in check mode' };
    }
    return await runCall(inner, ctx);
  },
};

function needs(service: string, url: (ctx: ModuleContext) => string, tasks: Task[]): Task[] {
  return tasks.map((task) => ({
    ...task,
    // Output names the module doing the work, not this wrapper.
    run: call(
      { ...needsModule, name: task.run.module.name },
      { inner: task.run, service, url },
    ) as ModuleCall<unknown>,
  }));
}

/** Tasks that talk to the store. */
export const needsStore = (tasks: Task[]) => needs('the store', (ctx) => `${dbUrl(ctx.inventory)}/`, tasks);

/** Tasks that talk to the API through the gateway. */
export const needsApi = (tasks: Task[]) =>
  needs('the API', (ctx) => `${apiHost(ctx.inventory)}/api/v1`, tasks);

/** Tasks that talk to the controllers directly. */
export const needsControllers = (tasks: Task[]) =>
  needs('the controller', (ctx) => `${topology(ctx.inventory).controllers[0]?.url ?? ''}/ping`, tasks);
