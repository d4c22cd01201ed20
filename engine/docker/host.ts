/**
 * Which docker engine a host's docker tasks talk to: the host var docker.host (or docker_host) if
 * set; for ssh hosts ssh://ansible_user@ansible_host with the host's key and known_hosts checks;
 * otherwise $DOCKER_HOST or the local socket (local hosts, and containers reached via docker).
 */
import type Dockerode from 'dockerode';
import type { Host } from '../inventory/types.ts';
import { describeSshFailure, prepareSsh } from '../transports/ssh-connect.ts';
import { sshSettingsFor } from '../transports/ssh-settings.ts';
import { DEFAULT_SOCKET, dockerClient } from './client.ts';

export interface HostEngine {
  docker: Dockerode;
  /** The engine address, for messages. */
  address: string;
  /** For engines over ssh://: why the SSH connection failed (host key, auth, refused), if it did. */
  sshFailure?: (err: Error & { level?: string; code?: string }) => string | undefined;
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

/** The engine behind ssh://user@host:port, with the inventory host's key and known_hosts checks. */
async function overSsh(host: Host, address: string): Promise<HostEngine> {
  const url = new URL(address);
  const settings = {
    ...sshSettingsFor(host),
    address: url.hostname,
    port: Number(url.port || 22),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
  };
  const prepared = await prepareSsh(settings);
  const { host: _h, port: _p, username: _u, ...sshOptions } = prepared.config;
  const sshFailure = (err: Error & { level?: string; code?: string }) =>
    prepared.hostKeyProblem() || err.level || err.code
      ? describeSshFailure(settings, prepared, err)
      : undefined;
  return { docker: dockerClient({ host: address, sshOptions }), address, sshFailure };
}

/** A docker API failure as a message that names the engine and what to do. */
export function engineFailure(err: unknown, engine: HostEngine | undefined, action: string): string {
  const address = engine?.address ?? 'the docker host';
  const e = err as Error & {
    code?: string;
    level?: string;
    statusCode?: number;
    json?: { message?: string };
  };
  const viaSsh = engine?.sshFailure?.(e);
  if (viaSsh) return `cannot reach the docker engine at ${address} to ${action}: ${viaSsh}`;
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES') {
    return `cannot reach the docker engine at ${address} to ${action} (${e.code}); start dockerd there or set docker.host`;
  }
  const detail = e.json?.message ?? e.message ?? String(err);
  return `docker engine at ${address} failed to ${action}: ${detail.trim()}`;
}
