/**
 * Which docker engine a host's docker tasks talk to: the host var docker.host (or docker_host) if
 * set; for ssh hosts ssh://ansible_user@ansible_host with the host's key and known_hosts checks;
 * otherwise $DOCKER_HOST or the local socket (local hosts, and containers reached via docker).
 */
import type Dockerode from 'dockerode';
import type { Host } from '../inventory/types.ts';
import { prepareSsh } from '../transports/ssh-connect.ts';
import { sshSettingsFor } from '../transports/ssh-settings.ts';
import { DEFAULT_SOCKET, dockerClient } from './client.ts';

export interface HostEngine {
  docker: Dockerode;
  /** The engine address, for messages. */
  address: string;
}

export async function dockerEngineFor(host: Host): Promise<HostEngine> {
  const vars = host.vars as Record<string, unknown>;
  const configured = (vars.docker as { host?: unknown } | undefined)?.host ?? vars.docker_host;
  if (typeof configured === 'string' && configured && !configured.startsWith('ssh://')) {
    return { docker: dockerClient({ host: configured }), address: configured };
  }
  if (typeof configured === 'string' && configured.startsWith('ssh://')) {
    return await overSsh(host, configured);
  }
  if (vars.ansible_connection === 'ssh') {
    const s = sshSettingsFor(host);
    return await overSsh(host, `ssh://${s.username}@${s.address}:${s.port}`);
  }
  return { docker: dockerClient(), address: process.env.DOCKER_HOST || `unix://${DEFAULT_SOCKET}` };
}

async function overSsh(host: Host, address: string): Promise<HostEngine> {
  const prepared = await prepareSsh(sshSettingsFor(host));
  const { host: _h, port: _p, username: _u, ...sshOptions } = prepared.config;
  return { docker: dockerClient({ host: address, sshOptions }), address };
}

/** A docker API failure as a message that names the engine and what to do. */
export function engineFailure(err: unknown, address: string, action: string): string {
  const e = err as { code?: string; statusCode?: number; json?: { message?: string }; message?: string };
  const detail = e.json?.message ?? e.message ?? String(err);
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES') {
    return `cannot reach the docker engine at ${address} to ${action} (${e.code}); start dockerd there or set docker.host`;
  }
  return `docker engine at ${address} failed to ${action}: ${detail.trim()}`;
}
