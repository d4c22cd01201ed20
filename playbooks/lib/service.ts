/**
 * The lifecycle every platform service shares: its config file (0600, it holds credentials), its
 * process kept up by systemd or owctl's supervisor (restarted only when config or release
 * changed), and a health wait that shows the service's own log when it does not come up.
 */
import { join } from 'node:path';
import type { ModuleContext } from '../../engine/modules/module.ts';
import type { Task } from '../../engine/runner/playbook.ts';
import { configHash, serviceConfigText } from './configs.ts';
import {
  containerServices,
  containerServiceTasks,
  removeContainer,
  runsInContainer,
  withContainerVariant,
} from './container-service.ts';
import { loop } from './loop.ts';
import { managedService } from './manager.ts';
import { hostPaths } from './paths.ts';
import { releaseId } from './release.ts';
import { configTask, healthyTask, serviceFiles, serviceUnitName } from './service-common.ts';
import { type Role, servicesOn } from './topology.ts';

export { type ServiceFiles, serviceFiles, serviceUnitName } from './service-common.ts';

const on = (role: Role) => (ctx: ModuleContext) => servicesOn(ctx.inventory, ctx.host, role);

/** The service's tasks: as a supervised process, or as a container where deploy_mode is docker. */
export function serviceTasks(role: Role, tags: string[] = [role]): Task[] {
  return withContainerVariant(processServiceTasks(role, tags), containerServiceTasks(role, tags));
}

function processServiceTasks(role: Role, tags: string[]): Task[] {
  return [
    configTask(role, tags, on(role), serviceConfigText),
    {
      name: `${role}: running`,
      tags,
      run: loop(
        on(role),
        (svc, ctx) => {
          const paths = hostPaths(ctx.inventory, svc.host);
          const files = serviceFiles(ctx, svc);
          return managedService({
            name: serviceUnitName(ctx, svc),
            command: [
              paths.node,
              join(paths.release, 'bin/run-ts.js'),
              join(paths.release, svc.entry),
              files.config,
            ],
            cwd: paths.release,
            logFile: files.log,
            pidFile: files.pid,
            node: paths.node,
            state: 'started',
            configHash: configHash(serviceConfigText(ctx.inventory, svc), releaseId()),
          });
        },
        (s) => s.name,
      ),
    },
    healthyTask(role, tags, on(role)),
  ];
}

/** Stops this environment's services on the host (only those owctl started: pid files). */
export function stopServiceTask(role: Role): Task {
  return {
    name: `${role}: stopped`,
    run: loop(
      (ctx) => (runsInContainer(ctx, role) ? containerServices(ctx, role) : on(role)(ctx)),
      (svc, ctx) => {
        if (runsInContainer(ctx, role)) return removeContainer(ctx.inventory, svc);
        const files = serviceFiles(ctx, svc);
        const paths = hostPaths(ctx.inventory, svc.host);
        return managedService({
          name: serviceUnitName(ctx, svc),
          command: [paths.node],
          logFile: files.log,
          pidFile: files.pid,
          node: paths.node,
          state: 'stopped',
        });
      },
      (s) => s.name,
    ),
  };
}
