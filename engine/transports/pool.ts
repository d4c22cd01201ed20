/**
 * One transport per host for a whole run, so every task on a host shares one SSH connection.
 * The kind comes from ansible_connection (default ssh, or local for localhost-like names).
 */

import type Dockerode from 'dockerode';
import { dockerEngineFor } from '../docker/host.ts';
import type { Host } from '../inventory/types.ts';
import { DockerTransport } from './docker.ts';
import { LocalTransport } from './local.ts';
import { SshTransport } from './ssh.ts';
import { sshSettingsFor, truthy } from './ssh-settings.ts';
import type { Transport } from './transport.ts';

export class TransportPool {
  private readonly transports = new Map<string, Transport>();

  get(host: Host): Transport {
    let transport = this.transports.get(host.name);
    if (!transport) {
      transport = createTransport(host);
      this.transports.set(host.name, transport);
    }
    return transport;
  }

  async closeAll(): Promise<void> {
    const all = [...this.transports.values()];
    this.transports.clear();
    await Promise.allSettled(all.map((t) => t.close()));
  }
}

export function createTransport(host: Host): Transport {
  const vars = host.vars as Record<string, unknown>;
  const become = truthy(vars.ansible_become ?? false);
  const connection = vars.ansible_connection ?? defaultConnection(host);
  switch (connection) {
    case 'local':
      return new LocalTransport(host.name, { become });
    case 'ssh':
      return new SshTransport(sshSettingsFor(host));
    case 'docker': {
      let engine: Promise<Dockerode> | undefined;
      const resolveEngine = () => {
        engine ??= dockerEngineFor(host).then((e) => e.docker);
        return engine;
      };
      return new DockerTransport(host.name, resolveEngine, {
        container: String(vars.ansible_host ?? host.name),
        user: typeof vars.ansible_user === 'string' ? vars.ansible_user : undefined,
        become,
      });
    }
    default:
      throw new Error(
        `host ${host.name}: ansible_connection ${JSON.stringify(connection)} is not supported; use local, ssh or docker`,
      );
  }
}

/** Like Ansible: an implicit localhost runs locally, everything else over ssh. */
function defaultConnection(host: Host): string {
  const address = String((host.vars as Record<string, unknown>).ansible_host ?? host.name);
  return ['localhost', '127.0.0.1', '::1'].includes(address) ? 'local' : 'ssh';
}
