/**
 * A dockerode client for a docker engine address: unix:///path, tcp://host:port (https on 2376 or
 * with DOCKER_TLS_VERIFY), ssh://user@host[:port] (dockerode runs `docker system dial-stdio` over
 * ssh2, one SSH connection per API request). Without an address: $DOCKER_HOST, else the local socket.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Dockerode from 'dockerode';
import type { ConnectConfig } from 'ssh2';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

export interface DockerClientOptions {
  /** Engine address; default $DOCKER_HOST, else unix:///var/run/docker.sock. */
  host?: string;
  /** ssh2 options for ssh:// engines (key, agent, host key verifier, timeout). */
  sshOptions?: ConnectConfig;
  /** API request timeout in ms. */
  timeout?: number;
}

// Loaded on first use: dockerode and its dependency tree cost ~120 ms of startup for every owctl
// command, most of which never talk to a docker engine.
const require = createRequire(import.meta.url);

export function dockerClient(opts: DockerClientOptions = {}): Dockerode {
  const DockerodeClass = require('dockerode') as typeof Dockerode;
  return new DockerodeClass(dockerOptions(opts));
}

export function dockerOptions(opts: DockerClientOptions = {}): Dockerode.DockerOptions {
  const address = opts.host || process.env.DOCKER_HOST || `unix://${DEFAULT_SOCKET}`;
  const base: Dockerode.DockerOptions = { timeout: opts.timeout };
  if (address.startsWith('unix://')) return { ...base, socketPath: address.slice('unix://'.length) };
  if (address.startsWith('/')) return { ...base, socketPath: address };
  let url: URL;
  try {
    url = new URL(address.includes('://') ? address : `tcp://${address}`);
  } catch {
    throw new Error(
      `docker host ${JSON.stringify(address)} is not an address; use unix:///path, tcp://host:port or ssh://user@host`,
    );
  }
  if (url.protocol === 'ssh:') {
    return {
      ...base,
      protocol: 'ssh',
      host: url.hostname,
      port: url.port || 22,
      username: decodeURIComponent(url.username) || undefined,
      sshOptions: { agent: process.env.SSH_AUTH_SOCK, ...opts.sshOptions },
    };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `docker host ${address}: protocol ${url.protocol} is not supported; use unix://, tcp:// or ssh://`,
    );
  }
  const port = url.port || (url.protocol === 'https:' ? '2376' : '2375');
  const tls = url.protocol === 'https:' || port === '2376' || process.env.DOCKER_TLS_VERIFY === '1';
  return { ...base, protocol: tls ? 'https' : 'http', host: url.hostname, port, ...(tls ? tlsFiles() : {}) };
}

/** Client certificates from $DOCKER_CERT_PATH, as the docker CLI reads them. */
function tlsFiles(): Pick<Dockerode.DockerOptions, 'ca' | 'cert' | 'key'> {
  const dir = process.env.DOCKER_CERT_PATH;
  if (!dir) return {};
  try {
    return {
      ca: readFileSync(`${dir}/ca.pem`),
      cert: readFileSync(`${dir}/cert.pem`),
      key: readFileSync(`${dir}/key.pem`),
    };
  } catch (err) {
    throw new Error(`cannot read TLS files in DOCKER_CERT_PATH=${dir}: ${(err as Error).message}`);
  }
}
