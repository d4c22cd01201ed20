/**
 * facts (Ansible's setup, without its cost): what later steps need to know about a host — OS,
 * architecture, init system, which node/docker/python it has — gathered by ONE command in one
 * round trip and cached per host for the run. Read-only, so it also runs in check mode.
 */
import { call, type Module, type ModuleCall, type ModuleContext, type ModuleResult } from './module.ts';
import { failed, ok } from './results.ts';

export interface HostFacts {
  hostname: string;
  kernel: string;
  arch: string;
  /** ID from /etc/os-release, e.g. "debian". */
  os: string;
  osVersion: string;
  systemd: boolean;
  /** Versions, or null when the program is absent. */
  node: string | null;
  python3: string | null;
  docker: string | null;
  memTotalMB: number;
  cpus: number;
}

export interface FactsArgs {
  /** Also report the version of a node binary at this path (e.g. {deploy_dir}/node/bin/node). */
  nodePath?: string;
}

/** One POSIX sh script printing key=value lines; every probe tolerates a missing program. */
function script(nodePath?: string): string {
  const node = nodePath ? `'${nodePath.replace(/'/g, `'\\''`)}'` : 'node';
  return [
    'echo "hostname=$(hostname 2>/dev/null || cat /etc/hostname)"',
    'echo "kernel=$(uname -r)"',
    'echo "arch=$(uname -m)"',
    // Shell parameter expansion, not a JS template:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sh syntax
    '. /etc/os-release 2>/dev/null; echo "os=${ID:-unknown}"; echo "osVersion=${VERSION_ID:-}"',
    'if [ -d /run/systemd/system ]; then echo systemd=1; else echo systemd=0; fi',
    `echo "node=$(${node} --version 2>/dev/null)"`,
    'echo "python3=$(python3 -c "import platform;print(platform.python_version())" 2>/dev/null)"',
    `echo "docker=$(docker version --format '{{.Server.Version}}' 2>/dev/null)"`,
    `echo "memTotalKB=$(awk '/MemTotal/ {print $2}' /proc/meminfo 2>/dev/null)"`,
    'echo "cpus=$(nproc 2>/dev/null || echo 1)"',
  ].join('\n');
}

export function parseFacts(stdout: string): HostFacts {
  const kv = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  const text = (k: string) => kv.get(k) ?? '';
  const orNull = (k: string) => text(k) || null;
  return {
    hostname: text('hostname'),
    kernel: text('kernel'),
    arch: text('arch'),
    os: text('os') || 'unknown',
    osVersion: text('osVersion'),
    systemd: text('systemd') === '1',
    node: orNull('node'),
    python3: orNull('python3'),
    docker: orNull('docker'),
    memTotalMB: Math.floor(Number(text('memTotalKB') || 0) / 1024),
    cpus: Number(text('cpus')) || 1,
  };
}

async function gather(args: FactsArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const res = await ctx.transport.exec(script(args.nodePath));
  if (res.exitCode !== 0) {
    return failed(`gathering facts on ${ctx.host.name} failed (exit ${res.exitCode}): ${res.stderr.trim()}`, {
      command: res.command,
      stderr: res.stderr,
    });
  }
  const facts = parseFacts(res.stdout);
  return ok(`${facts.os} ${facts.osVersion} ${facts.arch}, node ${facts.node ?? 'absent'}`, { ...facts });
}

export const factsModule: Module<FactsArgs> = { name: 'facts', checkMode: 'probe', run: gather };

/** Register it (`register: 'facts'`) and read `ctx.registered.facts.data` in later tasks. */
export function facts(args: FactsArgs = {}): ModuleCall<FactsArgs> {
  return call(factsModule, args);
}
