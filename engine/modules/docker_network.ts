/**
 * docker_network (Ansible's community.docker.docker_network): a named network present with the
 * wanted driver and subnet, or absent. A network whose driver/subnet differ is recreated when no
 * container is attached; otherwise the task fails and says which containers to move first.
 */
import type Dockerode from 'dockerode';
import { dockerEngineFor, engineFailure, type HostEngine } from '../docker/host.ts';
import { unlessMissing } from '../docker/labels.ts';
import {
  type ArgsOf,
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from './module.ts';
import { changed, failed, ok } from './results.ts';

export interface DockerNetworkArgs {
  name: string;
  state?: 'present' | 'absent';
  /** Default bridge. */
  driver?: string;
  /** CIDR, e.g. 172.30.0.0/24; default: the engine picks one. */
  subnet?: string;
  gateway?: string;
  /** No route out of the network. */
  internal?: boolean;
  labels?: Record<string, string>;
}

async function runDockerNetwork(args: DockerNetworkArgs, ctx: ModuleContext): Promise<ModuleResult> {
  let engine: HostEngine | undefined;
  try {
    engine = await dockerEngineFor(ctx.host);
    const network = engine.docker.getNetwork(args.name);
    const current = await unlessMissing(network.inspect() as Promise<Dockerode.NetworkInspectInfo>);
    if ((args.state ?? 'present') === 'absent') {
      if (!current) return ok(`network ${args.name} is absent`);
      const attached = attachedContainers(current);
      if (attached.length) return failed(inUse(args.name, attached, 'remove'));
      if (!ctx.check) await network.remove();
      return changed(`${ctx.check ? 'would remove' : 'removed'} network ${args.name}`);
    }
    const mismatch = current ? differences(current, args) : [];
    if (current && mismatch.length === 0) return ok(`network ${args.name} is present`, { id: current.Id });
    if (current) {
      const attached = attachedContainers(current);
      if (attached.length) return failed(inUse(args.name, attached, `change ${mismatch.join(', ')} of`));
    }
    const what = current
      ? `recreate network ${args.name} (${mismatch.join(', ')} changed)`
      : `create network ${args.name}`;
    if (ctx.check) return changed(`would ${what}`);
    if (current) await network.remove();
    const created = await engine.docker.createNetwork({
      Name: args.name,
      Driver: args.driver ?? 'bridge',
      Internal: args.internal ?? false,
      Labels: args.labels,
      CheckDuplicate: true,
      IPAM: args.subnet
        ? {
            Driver: 'default',
            Config: [{ Subnet: args.subnet, ...(args.gateway ? { Gateway: args.gateway } : {}) }],
          }
        : undefined,
    });
    return changed(`${current ? 'recreated' : 'created'} network ${args.name}`, { id: created.id });
  } catch (err) {
    return failed(engineFailure(err, engine, `manage network ${args.name}`));
  }
}

function differences(current: Dockerode.NetworkInspectInfo, args: DockerNetworkArgs): string[] {
  const diffs: string[] = [];
  if (current.Driver !== (args.driver ?? 'bridge')) diffs.push('driver');
  const config = current.IPAM?.Config?.[0];
  if (args.subnet && config?.Subnet !== args.subnet) diffs.push('subnet');
  if (args.gateway && config?.Gateway !== args.gateway) diffs.push('gateway');
  if ((args.internal ?? false) !== current.Internal) diffs.push('internal');
  return diffs;
}

function attachedContainers(current: Dockerode.NetworkInspectInfo): string[] {
  return Object.values(current.Containers ?? {}).map((c) => c.Name);
}

function inUse(name: string, attached: string[], action: string): string {
  return (
    `cannot ${action} network ${name}: containers ${attached.join(', ')} are attached; ` +
    'remove or reconnect them first (docker_container state: absent, or another network_mode)'
  );
}

export const dockerNetworkModule: Module<DockerNetworkArgs> = {
  name: 'docker_network',
  checkMode: 'full',
  run: runDockerNetwork,
};

export function dockerNetwork(args: ArgsOf<DockerNetworkArgs>): ModuleCall<DockerNetworkArgs> {
  return call(dockerNetworkModule, args);
}
