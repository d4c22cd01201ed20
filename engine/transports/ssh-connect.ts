/**
 * Opening an ssh2 connection for a host: identity (key file, default ~/.ssh/id_*, ssh-agent),
 * host key verification against known_hosts, and errors that say why a host is unreachable.
 */
import { access, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { Client, type ConnectConfig } from 'ssh2';
import { blobType, type KnownKey, knownHostsName, knownKeysFor } from './known-hosts.ts';
import type { SshSettings } from './ssh-settings.ts';
import { UnreachableError } from './transport.ts';

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** Host key algorithms to offer for a recorded key type, so the server presents one we can check. */
const ALGORITHMS_FOR_TYPE: Record<string, string[]> = {
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** An ssh2 connect config for the host, plus why its host key was refused (once it was). */
export interface PreparedSsh {
  config: ConnectConfig;
  keyFile?: string;
  hostKeyProblem(): string | undefined;
}

/** Also used for docker engines reached over ssh:// (dockerode's sshOptions). */
export async function prepareSsh(s: SshSettings): Promise<PreparedSsh> {
  const config: ConnectConfig = {
    host: s.address,
    port: s.port,
    username: s.username,
    readyTimeout: s.connectTimeoutMs,
    keepaliveInterval: 15_000,
    agent: s.agent,
  };
  const keyFile =
    s.privateKeyFile ?? (await firstExisting(DEFAULT_IDENTITIES.map((f) => `${homedir()}/.ssh/${f}`)));
  if (keyFile) {
    try {
      config.privateKey = await readFile(keyFile);
    } catch (err) {
      throw new UnreachableError(
        s.hostName,
        `cannot read private key ${keyFile} (${(err as Error).message}); fix ansible_ssh_private_key_file`,
      );
    }
  }
  if (!config.privateKey && !config.agent) {
    throw new UnreachableError(
      s.hostName,
      'no SSH identity: set ansible_ssh_private_key_file, create ~/.ssh/id_ed25519, or start ssh-agent (SSH_AUTH_SOCK)',
    );
  }
  let hostKeyProblem: string | undefined;
  if (s.hostKeyChecking) {
    const known = await knownKeysFor(s.knownHostsFiles, s.address, s.port);
    const offered = [
      ...new Set(known.filter((k) => !k.revoked).flatMap((k) => ALGORITHMS_FOR_TYPE[k.type] ?? [k.type])),
    ];
    // Offer only algorithms we hold a key for; with none recorded the check below refuses anyway.
    if (offered.length) config.algorithms = { serverHostKey: offered as never };
    config.hostVerifier = (key: Buffer) => {
      hostKeyProblem = hostKeyMismatch(s, known, key);
      return hostKeyProblem === undefined;
    };
  }
  return { config, keyFile, hostKeyProblem: () => hostKeyProblem };
}

export async function openSshConnection(s: SshSettings): Promise<Client> {
  const prepared = await prepareSsh(s);
  return await new Promise<Client>((resolve, reject) => {
    const client = new Client();
    const fail = (err: Error & { level?: string; code?: string }) =>
      reject(new UnreachableError(s.hostName, describeSshFailure(s, prepared, err)));
    client.once('error', fail);
    client.once('ready', () => {
      client.off('error', fail);
      resolve(client);
    });
    try {
      client.connect(prepared.config);
    } catch (err) {
      fail(err as Error);
    }
  });
}

function hostKeyMismatch(s: SshSettings, known: KnownKey[], key: Buffer): string | undefined {
  const name = knownHostsName(s.address, s.port);
  const fix =
    'or set host_key_checking: false for this host (or ANSIBLE_HOST_KEY_CHECKING=False) to skip the check';
  const revoked = known.find((k) => k.revoked && k.blob.equals(key));
  if (revoked)
    return `host key of ${name} is marked @revoked in ${revoked.where}; do not connect until it is replaced`;
  if (known.some((k) => !k.revoked && k.blob.equals(key))) return undefined;
  const sameType = known.filter((k) => !k.revoked && k.type === blobType(key));
  if (sameType.length) {
    return (
      `host key of ${name} does not match ${sameType.map((k) => k.where).join(', ')} (REMOTE HOST IDENTIFICATION HAS CHANGED); ` +
      `if the host was reinstalled, run ssh-keygen -R '${name}' and re-add it with ssh-keyscan -p ${s.port} ${s.address}, ${fix}`
    );
  }
  return (
    `host key of ${name} (${blobType(key)}) is not in ${s.knownHostsFiles.join(' or ')}; ` +
    `add it with ssh-keyscan -p ${s.port} ${s.address} >> ~/.ssh/known_hosts after checking its fingerprint, ${fix}`
  );
}

/** Why the connection failed, with what to do about it. */
export function describeSshFailure(
  s: SshSettings,
  prepared: PreparedSsh,
  err: Error & { level?: string; code?: string },
): string {
  const hostKeyProblem = prepared.hostKeyProblem();
  if (hostKeyProblem) return hostKeyProblem;
  const keyFile = prepared.keyFile;
  const where = `${s.address}:${s.port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where}; is sshd running and listening on port ${s.port}?`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${where} (${err.code}); check ansible_host and the network`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${s.address}; check ansible_host`;
    case 'ECONNRESET':
      return `connection reset by ${where} during the SSH handshake`;
  }
  if (/passphrase/i.test(err.message)) {
    return `private key ${keyFile} is encrypted; add it to ssh-agent (ssh-add ${keyFile}) and leave ansible_ssh_private_key_file unset`;
  }
  if (err.level === 'client-timeout' || /timed out/i.test(err.message)) {
    return `timed out after ${s.connectTimeoutMs / 1000}s connecting to ${where}; check ansible_host/ansible_port, or raise ansible_ssh_timeout`;
  }
  if (err.level === 'client-authentication') {
    const tried = [keyFile ? `key ${keyFile}` : '', s.agent ? 'ssh-agent' : ''].filter(Boolean).join(' and ');
    return (
      `authentication as ${s.username} failed (tried ${tried}); check ansible_user and ansible_ssh_private_key_file, ` +
      `and that the public key is in ~${s.username}/.ssh/authorized_keys on the host`
    );
  }
  return `${err.message} (connecting to ${where})`;
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      await access(path);
      return path;
    } catch {}
  }
  return undefined;
}
