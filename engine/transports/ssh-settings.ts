/**
 * How to reach a host over SSH, from its inventory vars. ansible_ssh_extra_args is honoured only
 * for the options that mean something to an in-process ssh2 client:
 *   -o StrictHostKeyChecking=no|yes   host key verification off/on
 *   -o UserKnownHostsFile=PATH[ PATH] where known host keys are read from
 *   -o ConnectTimeout=SECONDS         connect + handshake timeout
 *   -o ControlMaster/ControlPersist/ControlPath are accepted and ignored (the pool already keeps
 *      one shared connection per host).
 * Anything else is refused with an error naming the option, rather than silently ignored.
 */
import { homedir, userInfo } from 'node:os';
import type { Host } from '../inventory/types.ts';
import { defaultKnownHostsFiles } from './known-hosts.ts';

export interface SshSettings {
  hostName: string;
  address: string;
  port: number;
  username: string;
  /** ansible_ssh_private_key_file, or the first default identity (~/.ssh/id_*) that exists. */
  privateKeyFile?: string;
  /** ssh-agent socket ($SSH_AUTH_SOCK). */
  agent?: string;
  connectTimeoutMs: number;
  hostKeyChecking: boolean;
  knownHostsFiles: string[];
  /** Default become for exec and writeFile (ansible_become). */
  become: boolean;
}

const IGNORED_OPTIONS = new Set(['controlmaster', 'controlpersist', 'controlpath']);

export function sshSettingsFor(host: Host, env: NodeJS.ProcessEnv = process.env): SshSettings {
  const vars = host.vars as Record<string, unknown>;
  const settings: SshSettings = {
    hostName: host.name,
    address: String(vars.ansible_host ?? host.name),
    port: Number(vars.ansible_port ?? 22),
    username: String(vars.ansible_user ?? userInfo().username),
    privateKeyFile:
      typeof vars.ansible_ssh_private_key_file === 'string'
        ? expandHome(vars.ansible_ssh_private_key_file)
        : undefined,
    agent: env.SSH_AUTH_SOCK || undefined,
    connectTimeoutMs: seconds(vars.ansible_ssh_timeout ?? 10, host.name, 'ansible_ssh_timeout') * 1000,
    hostKeyChecking: truthy(vars.host_key_checking ?? env.ANSIBLE_HOST_KEY_CHECKING ?? true),
    knownHostsFiles: defaultKnownHostsFiles(),
    become: truthy(vars.ansible_become ?? false),
  };
  if (typeof vars.ansible_ssh_extra_args === 'string') applyExtraArgs(settings, vars.ansible_ssh_extra_args);
  return settings;
}

function applyExtraArgs(settings: SshSettings, extraArgs: string): void {
  const words = splitWords(extraArgs);
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    let option: string | undefined;
    if (word === '-o') option = words[++i];
    else if (word.startsWith('-o')) option = word.slice(2);
    if (!option) {
      throw new Error(
        `host ${settings.hostName}: ansible_ssh_extra_args ${JSON.stringify(word)} is not supported; ` +
          'only -o StrictHostKeyChecking=, -o UserKnownHostsFile=, -o ConnectTimeout= are',
      );
    }
    const match = /^\s*([A-Za-z]+)\s*[= ]\s*(.*)$/.exec(option);
    const key = match?.[1]?.toLowerCase() ?? '';
    const value = match?.[2]?.trim() ?? '';
    if (key === 'stricthostkeychecking') settings.hostKeyChecking = truthy(value);
    else if (key === 'userknownhostsfile') settings.knownHostsFiles = value.split(/\s+/).map(expandHome);
    else if (key === 'connecttimeout')
      settings.connectTimeoutMs = seconds(value, settings.hostName, 'ConnectTimeout') * 1000;
    else if (!IGNORED_OPTIONS.has(key)) {
      throw new Error(
        `host ${settings.hostName}: ssh option ${JSON.stringify(option)} in ansible_ssh_extra_args is not supported; ` +
          'remove it (supported: StrictHostKeyChecking, UserKnownHostsFile, ConnectTimeout)',
      );
    }
  }
}

/** Splits on whitespace, honouring single and double quotes. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

/** Ansible-style booleans: false/no/0/off (any case) are false. */
export function truthy(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return !['false', 'no', '0', 'off', ''].includes(String(value).trim().toLowerCase());
}

function seconds(value: unknown, hostName: string, what: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new Error(
      `host ${hostName}: ${what} must be a positive number of seconds, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}
