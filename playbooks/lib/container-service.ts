/**
 * The container variant of a service's lifecycle (environments with `deploy_mode: docker`, e.g.
 * docker-local): its image (built here, or pulled when docker.registry is set), its config file
 * (0600, the same file the process variant writes), its container through docker_container —
 * host networking, the host's state folder mounted at the same path so the config's paths hold,
 * the invoker with the Docker socket — and the same health wait showing the service's log.
 */
import { owctlImages, platformImageRef } from '../../engine/images/module.ts';
import type { Host, Inventory } from '../../engine/inventory/types.ts';
import { dockerContainer } from '../../engine/modules/docker_container.ts';
import type { ModuleContext } from '../../engine/modules/module.ts';
import type { Task } from '../../engine/runner/playbook.ts';
import { selectRecipes } from '../../images/index.ts';
import { configHash, serviceConfig } from './configs.ts';
import { loop } from './loop.ts';
import { hostPaths, REPO_ROOT } from './paths.ts';
import { configTask, healthyTask, serviceFiles, serviceUnitName } from './service-common.ts';
import { type Role, type ServiceSpec, servicesOn } from './topology.ts';

/** Whether this host's services run as containers. */
export function inContainers(ctx: Pick<ModuleContext, 'host'>): boolean {
  return ctx.host.vars.deploy_mode === 'docker';
}

/** Whether a role's services on this host are containers: all in docker mode; the store also with db.provider docker. */
export function runsInContainer(ctx: Pick<ModuleContext, 'host'>, role: Role): boolean {
  return inContainers(ctx) || (role === 'couchdb' && ctx.host.vars.db.provider === 'docker');
}

const APP = '/app';
const DOCKER_SOCKET = '/var/run/docker.sock';

/** Which image each role runs; the invoker also needs the action runtimes. */
function imagesFor(role: Role, host: Host): string[] {
  const service = { couchdb: 'store', controller: 'controller', invoker: 'invoker', gateway: 'gateway' }[
    role
  ];
  if (role !== 'invoker') return [service];
  const runtimes = selectRecipes([], host.vars.runtimes_manifest)
    .map((r) => r.name)
    .filter((n) => n.startsWith('action-'));
  return [service, ...runtimes];
}

interface DockerVars {
  image: { prefix: string; tag: string };
  registry?: string;
  host?: string;
  network?: string;
}

function dockerVars(host: Host): DockerVars {
  return host.vars.docker as DockerVars;
}

/**
 * The services of a role on this host. The store joins in as a container when db.provider is
 * docker (the topology lists it only as an embedded process).
 */
export function containerServices(ctx: Pick<ModuleContext, 'host' | 'inventory'>, role: Role): ServiceSpec[] {
  const listed = servicesOn(ctx.inventory, ctx.host, role);
  if (role !== 'couchdb' || listed.length || ctx.host.vars.db.provider !== 'docker') return listed;
  const first = (ctx.inventory.groups.get('db') ?? []).slice().sort()[0];
  if (first !== ctx.host.name) return [];
  const address = String(ctx.host.vars.ansible_host);
  const port = ctx.host.vars.db.port;
  return [
    {
      name: 'couchdb',
      role: 'couchdb',
      index: 0,
      host: ctx.host,
      address,
      port,
      url: `http://${address}:${port}`,
      entry: 'services/store/main.ts',
    },
  ];
}

export function containerName(inventory: Inventory, svc: ServiceSpec): string {
  return serviceUnitName({ inventory }, svc);
}

function files(inventory: Inventory, svc: ServiceSpec) {
  return { paths: hostPaths(inventory, svc.host), ...serviceFiles({ inventory }, svc) };
}

/** The service's config; the invoker's also says how to run action containers on this engine. */
export function containerConfigText(inventory: Inventory, svc: ServiceSpec): string {
  const config = serviceConfig(inventory, svc);
  if (svc.role === 'invoker') {
    const d = dockerVars(svc.host);
    config.docker = {
      imagePrefix: d.image.prefix,
      imageTag: d.image.tag,
      ...(d.registry ? { registry: d.registry } : {}),
      // A tcp:// engine is reached as such; unix and ssh:// engines through the mounted socket.
      ...(d.host?.startsWith('tcp://') ? { host: d.host } : {}),
      network: d.network ?? 'bridge',
      // Environments may share an engine: each invoker cleans up only its own action containers.
      instance: `${inventory.name}_${svc.name}`,
    };
  }
  return `${JSON.stringify(config, null, 2)}\n`;
}

const on = (role: Role) => (ctx: ModuleContext) => containerServices(ctx, role);

export function containerServiceTasks(role: Role, tags: string[] = [role]): Task[] {
  return [
    {
      name: `${role}: images`,
      tags,
      when: (ctx) => containerServices(ctx, role).length > 0,
      run: owctlImages((ctx) => {
        const d = dockerVars(ctx.host);
        return {
          recipes: selectRecipes(imagesFor(role, ctx.host), ctx.host.vars.runtimes_manifest),
          prefix: d.image.prefix,
          tag: d.image.tag,
          registry: d.registry,
          root: REPO_ROOT,
        };
      }),
    },
    configTask(role, tags, on(role), containerConfigText),
    {
      name: `${role}: container`,
      tags,
      run: loop(
        on(role),
        (svc, ctx) => {
          const f = files(ctx.inventory, svc);
          const d = dockerVars(ctx.host);
          const mountSocket = svc.role === 'invoker' && !d.host?.startsWith('tcp://');
          return dockerContainer({
            name: containerName(ctx.inventory, svc),
            image: platformImageRef(imagesFor(role, ctx.host)[0] ?? role, {
              prefix: d.image.prefix,
              tag: d.image.tag,
              registry: d.registry,
            }),
            // Logs go to the same file as in process mode, so `owctl logs` and the health wait read them.
            entrypoint: ['/bin/sh', '-c', `exec /usr/bin/node ${APP}/bin/run-ts.js "$0" "$1" >>"$2" 2>&1`],
            command: [`${APP}/${svc.entry}`, f.config, f.log],
            network_mode: 'host',
            volumes: [
              `${f.paths.state}:${f.paths.state}`,
              ...(mountSocket ? [`${DOCKER_SOCKET}:${DOCKER_SOCKET}`] : []),
            ],
            labels: {
              'owctl.environment': ctx.inventory.name,
              'owctl.service': svc.name,
              // A changed config file recreates the container, as it restarts the process.
              'owctl.service-config': configHash(containerConfigText(ctx.inventory, svc), ''),
            },
            restart_policy: 'unless-stopped',
            init: true,
          });
        },
        (s) => s.name,
      ),
    },
    healthyTask(role, tags, on(role)),
  ];
}

/** Removes a service's container (teardown); its data in the state folder stays. */
export function removeContainer(inventory: Inventory, svc: ServiceSpec) {
  return dockerContainer({ name: containerName(inventory, svc), state: 'absent' });
}

/** Both variants of a service's tasks, each run only where it applies. */
export function withContainerVariant(processTasks: Task[], containerTasks: Task[]): Task[] {
  const also =
    (when: Task['when'], mode: boolean): Task['when'] =>
    async (ctx) =>
      inContainers(ctx) === mode && (when ? await when(ctx) : true);
  return [
    ...processTasks.map((t) => ({ ...t, when: also(t.when, false) })),
    ...containerTasks.map((t) => ({ ...t, when: also(t.when, true) })),
  ];
}
