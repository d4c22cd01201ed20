/**
 * Where things live for an environment. On the machine running owctl: `$OWCTL_HOME/<env>/` holds
 * keys, the run journal and the wskprops file. On each host, under its deploy_dir: `release` (a
 * symlink to the unpacked artifact in `releases/<id>`), `node/bin/node` (or the host's `node_path`)
 * and `state/` (configs, data, logs, pid files). A `local` host uses this checkout as its release,
 * the node running owctl, and the environment's state folder as its state.
 */
import { join, resolve } from 'node:path';
import type { Host, Inventory } from '../../engine/inventory/types.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** `$OWCTL_HOME/<env>` on the machine running owctl (OWCTL_HOME wins over the owctl_home var). */
export function envStateDir(inventory: Inventory): string {
  const first = inventory.hosts.values().next().value as Host | undefined;
  const home = process.env.OWCTL_HOME || (first?.vars.owctl_home as string | undefined) || '.owctl';
  return resolve(home, inventory.name);
}

export function isLocal(host: Host): boolean {
  return host.vars.ansible_connection === 'local';
}

export interface HostPaths {
  /** The services' code on that host. */
  release: string;
  /** Unpacked release artifacts, one folder per release id (remote hosts only). */
  releases: string;
  /** Configs, data, logs and pid files on that host. */
  state: string;
  config: string;
  data: string;
  logs: string;
  run: string;
  /** The node binary that runs the services there. */
  node: string;
}

/** The node that runs the services on a remote host: `node_path`, else owctl's own under deploy_dir. */
function remoteNode(host: Host): string {
  const configured = host.vars.node_path;
  return typeof configured === 'string' && configured !== ''
    ? configured
    : join(host.vars.deploy_dir, 'node', 'bin', 'node');
}

export function hostPaths(inventory: Inventory, host: Host): HostPaths {
  const local = isLocal(host);
  const state = local ? envStateDir(inventory) : join(host.vars.deploy_dir, 'state');
  return {
    release: local ? REPO_ROOT : join(host.vars.deploy_dir, 'release'),
    releases: join(host.vars.deploy_dir, 'releases'),
    state,
    config: join(state, 'config'),
    data: join(state, 'data'),
    logs: join(state, 'logs'),
    run: join(state, 'run'),
    node: local ? process.execPath : remoteNode(host),
  };
}
