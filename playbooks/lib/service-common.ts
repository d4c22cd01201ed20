/**
 * What both ways of running a service share — as a process (service.ts) or as a container
 * (container-service.ts): where its files are, its name, its config file task and its health wait.
 */
import { join } from 'node:path';
import type { Inventory } from '../../engine/inventory/types.ts';
import { copy } from '../../engine/modules/copy.ts';
import type { ModuleContext } from '../../engine/modules/module.ts';
import type { Task } from '../../engine/runner/playbook.ts';
import { loop } from './loop.ts';
import { serviceHealthy } from './modules.ts';
import { hostPaths } from './paths.ts';
import type { Role, ServiceSpec } from './topology.ts';

export interface ServiceFiles {
  config: string;
  log: string;
  pid: string;
}

export function serviceFiles(ctx: Pick<ModuleContext, 'inventory'>, svc: ServiceSpec): ServiceFiles {
  const paths = hostPaths(ctx.inventory, svc.host);
  return {
    config: join(paths.config, `${svc.name}.json`),
    log: join(paths.logs, `${svc.name}.log`),
    pid: join(paths.run, `${svc.name}.pid`),
  };
}

/** Its supervisor name, systemd unit and container name: unique per environment and host. */
export function serviceUnitName(ctx: Pick<ModuleContext, 'inventory'>, svc: ServiceSpec): string {
  return `owctl-${ctx.inventory.name}-${svc.name}`;
}

/** What answers when the service is up. */
function healthUrl(svc: ServiceSpec): string {
  return svc.role === 'couchdb' ? `${svc.url}/` : `${svc.url}/ping`;
}

type Services = (ctx: ModuleContext) => ServiceSpec[];

/** Writes each service's config file (0600: it holds credentials). */
export function configTask(
  role: Role,
  tags: string[],
  services: Services,
  text: (inventory: Inventory, svc: ServiceSpec) => string,
): Task {
  return {
    name: `${role}: config`,
    tags,
    run: loop(
      services,
      (svc, ctx) =>
        copy({ dest: serviceFiles(ctx, svc).config, content: text(ctx.inventory, svc), mode: 0o600 }),
      (s) => s.name,
    ),
  };
}

/** Waits for each service to answer; on failure shows its log's tail and where its config is. */
export function healthyTask(role: Role, tags: string[], services: Services): Task {
  return {
    name: `${role}: healthy`,
    tags,
    run: loop(
      services,
      (svc, ctx) => {
        const files = serviceFiles(ctx, svc);
        return serviceHealthy({
          service: svc.name,
          url: healthUrl(svc),
          logFile: files.log,
          configFile: files.config,
          anyStatus: svc.role === 'gateway',
        });
      },
      (s) => s.name,
    ),
  };
}
