/**
 * docker_container's desired config: validated and normalised from the task args, turned into the
 * engine's create options, and summarised two ways — a hash over real values (what decides a
 * recreate) and a display form with secrets masked (what diffs show).
 */
import type Dockerode from 'dockerode';
import { isSecret, type Secret } from '../secret.ts';
import { CONFIG_HASH_LABEL, CONFIG_LABEL, sha256Hex, stableJson } from './labels.ts';

export interface ContainerSpecArgs {
  name: string;
  image?: string;
  command?: string[];
  entrypoint?: string[];
  env?: Record<string, string | Secret>;
  /** "[ip:]hostPort:containerPort[/tcp|udp]" */
  published_ports?: string[];
  /** Binds and named volumes: "source:/container/path[:ro|rw]" */
  volumes?: string[];
  network_mode?: string;
  labels?: Record<string, string>;
  restart_policy?: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  /** Bytes, or a size like "512m", "1g". */
  memory?: number | string;
  user?: string;
  working_dir?: string;
  /** Run docker-init as PID 1 (reaps zombies, forwards signals). */
  init?: boolean;
}

export interface ContainerSpec {
  /** Every config key compared for changes, real values (secrets revealed). */
  values: Record<string, unknown>;
  /** The same keys for display: secret env values replaced by a short hash. */
  display: Record<string, unknown>;
  hash: string;
}

const PORT = /^(?:(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(\d{1,5}):(\d{1,5})(?:\/(tcp|udp|sctp))?$/;
const SIZE = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i;
const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function containerSpec(args: ContainerSpecArgs, image: string): ContainerSpec {
  const where = `docker_container ${args.name}`;
  const env = args.env ?? {};
  const values: Record<string, unknown> = {
    image,
    command: args.command ?? null,
    entrypoint: args.entrypoint ?? null,
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, isSecret(v) ? v.reveal() : v])),
    published_ports: (args.published_ports ?? []).map((p) => parsePort(p, where)),
    volumes: args.volumes ?? [],
    network_mode: args.network_mode ?? null,
    labels: args.labels ?? {},
    restart_policy: args.restart_policy ?? 'no',
    memory: args.memory === undefined ? 0 : parseMemory(args.memory, where),
    user: args.user ?? null,
    working_dir: args.working_dir ?? null,
    init: args.init ?? false,
  };
  for (const volume of args.volumes ?? []) {
    if (volume.split(':').length < 2) {
      throw new Error(`${where}: volume ${JSON.stringify(volume)} must be "source:/container/path[:ro]"`);
    }
  }
  const display = {
    ...values,
    env: Object.fromEntries(
      Object.entries(env).map(([k, v]) => [
        k,
        isSecret(v) ? `******** (sha256 ${sha256Hex(`${k}=${v.reveal()}`).slice(0, 8)})` : v,
      ]),
    ),
  };
  return { values, display, hash: sha256Hex(stableJson(values)) };
}

interface PortBinding {
  hostIp: string;
  hostPort: string;
  containerPort: string;
}

function parsePort(spec: string, where: string): PortBinding {
  const m = PORT.exec(spec.trim());
  if (!m)
    throw new Error(
      `${where}: published port ${JSON.stringify(spec)} must be "[ip:]hostPort:containerPort[/tcp]"`,
    );
  return {
    hostIp: (m[1] ?? '').replace(/^\[|\]$/g, ''),
    hostPort: m[2]!,
    containerPort: `${m[3]}/${m[4] ?? 'tcp'}`,
  };
}

function parseMemory(memory: number | string, where: string): number {
  if (typeof memory === 'number') return memory;
  const m = SIZE.exec(memory.trim());
  if (!m)
    throw new Error(`${where}: memory ${JSON.stringify(memory)} must be bytes or a size like 512m or 1g`);
  return Math.round(Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? 1));
}

/** The engine's create options for the spec, labelled with its hash and display form. */
export function createOptions(name: string, spec: ContainerSpec): Dockerode.ContainerCreateOptions {
  const v = spec.values;
  const ports = v.published_ports as PortBinding[];
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of ports) {
    bindings[p.containerPort] = [
      ...(bindings[p.containerPort] ?? []),
      { HostIp: p.hostIp, HostPort: p.hostPort },
    ];
  }
  return {
    name,
    Image: v.image as string,
    Cmd: (v.command as string[] | null) ?? undefined,
    Entrypoint: (v.entrypoint as string[] | null) ?? undefined,
    Env: Object.entries(v.env as Record<string, string>).map(([k, val]) => `${k}=${val}`),
    User: (v.user as string | null) ?? undefined,
    WorkingDir: (v.working_dir as string | null) ?? undefined,
    ExposedPorts: Object.fromEntries(ports.map((p) => [p.containerPort, {}])),
    Labels: {
      ...(v.labels as Record<string, string>),
      [CONFIG_HASH_LABEL]: spec.hash,
      [CONFIG_LABEL]: stableJson(spec.display),
    },
    HostConfig: {
      PortBindings: bindings,
      Binds: v.volumes as string[],
      NetworkMode: (v.network_mode as string | null) ?? undefined,
      RestartPolicy: { Name: v.restart_policy as string },
      Memory: v.memory as number,
      Init: v.init as boolean,
    },
  };
}

/** Keys whose display value differs between the recorded config (label) and the desired one. */
export function changedKeys(recorded: string | undefined, desired: Record<string, unknown>): string[] {
  let before: Record<string, unknown> = {};
  try {
    before = recorded ? (JSON.parse(recorded) as Record<string, unknown>) : {};
  } catch {}
  return Object.keys(desired).filter((k) => stableJson(before[k]) !== stableJson(desired[k]));
}

/** `key: value` lines for a diff, for the given keys. */
export function describeKeys(config: Record<string, unknown>, keys: string[]): string {
  return keys.map((k) => `${k}: ${stableJson(config[k] ?? null)}`).join('\n') + (keys.length ? '\n' : '');
}
