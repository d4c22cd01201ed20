/**
 * Runner test kit: an in-memory inventory with Ansible-style patterns, tiny modules that run real
 * local commands or record what ran, a reporter that keeps every event, and a run() shortcut.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host, HostVars, Inventory } from '../../../engine/inventory/types.ts';
import type { Module, ModuleCall, ModuleContext, ModuleResult } from '../../../engine/modules/module.ts';
import { call } from '../../../engine/modules/module.ts';
import type { PlayRef, Reporter, TaskRef, TaskResult } from '../../../engine/output/reporter.ts';
import type { Playbook } from '../../../engine/runner/playbook.ts';
import type { Recap } from '../../../engine/runner/recap.ts';
import { type RunOptions, runPlaybooks } from '../../../engine/runner/runner.ts';
import { LocalTransport } from '../../../engine/transports/local.ts';
import { type Transport, UnreachableError } from '../../../engine/transports/transport.ts';

export function inventory(groups: Record<string, string[]>): Inventory {
  const hostNames = [...new Set(Object.values(groups).flat())];
  const hosts = new Map<string, Host>(
    hostNames.map((name) => [
      name,
      {
        name,
        groups: ['all', ...Object.keys(groups).filter((g) => groups[g]?.includes(name))],
        vars: {
          ansible_host: '127.0.0.1',
          ansible_connection: 'local',
          deploy_dir: '/tmp',
        } as unknown as HostVars,
      },
    ]),
  );
  const groupMap = new Map<string, string[]>([['all', hostNames], ...Object.entries(groups)]);
  const one = (term: string) => groupMap.get(term) ?? (hosts.has(term) ? [term] : []);
  return {
    name: 'test',
    dir: '/nonexistent',
    hosts,
    groups: groupMap,
    children: new Map(),
    match(pattern) {
      let result: string[] = [];
      for (const term of pattern.split(':')) {
        if (term.startsWith('!')) result = result.filter((h) => !one(term.slice(1)).includes(h));
        else if (term.startsWith('&')) result = result.filter((h) => one(term.slice(1)).includes(h));
        else result = [...new Set([...result, ...one(term)])];
      }
      return hostNames.filter((h) => result.includes(h));
    },
    explain: () => [],
  };
}

/** A real local transport; hosts named in `unreachable` fail to connect. */
export function transports(unreachable: string[] = []) {
  const opened: string[] = [];
  let closed = false;
  return {
    opened,
    get closed() {
      return closed;
    },
    get(host: Host): Transport {
      const transport = new LocalTransport(host.name);
      const connect = async () => {
        opened.push(host.name);
        if (unreachable.includes(host.name)) throw new UnreachableError(host.name, 'connection refused');
      };
      return Object.assign(transport, { connect });
    },
    async closeAll() {
      closed = true;
    },
  };
}

export interface Ran {
  host: string;
  name: string;
  start: number;
  end: number;
  check: boolean;
}

/** Records every run; `status` may depend on the host; `delayMs` makes runs overlap. */
export function recorder() {
  const runs: Ran[] = [];
  const make = (checkMode: Module<unknown>['checkMode']) => {
    const module: Module<RecordArgs> = {
      name: `record_${checkMode}`,
      checkMode,
      async run(args, ctx) {
        const start = performance.now();
        if (args.delayMs) await new Promise((r) => setTimeout(r, args.delayMs));
        runs.push({ host: ctx.host.name, name: args.name, start, end: performance.now(), check: ctx.check });
        if (args.throws) throw new Error(args.throws);
        const status = typeof args.status === 'function' ? args.status(ctx) : (args.status ?? 'ok');
        return { status, msg: `${args.name} ${status}`, data: { host: ctx.host.name, count: runs.length } };
      },
    };
    return (args: RecordArgs): ModuleCall<unknown> => call(module, args) as ModuleCall<unknown>;
  };
  return {
    runs,
    record: make('full'),
    probe: make('probe'),
    unpredictable: make('none'),
    names: (host?: string) => runs.filter((r) => !host || r.host === host).map((r) => r.name),
  };
}

interface RecordArgs {
  name: string;
  status?: ModuleResult['status'] | ((ctx: ModuleContext) => ModuleResult['status']);
  delayMs?: number;
  throws?: string;
}

const shModule: Module<{ cmd: string }> = {
  name: 'sh',
  checkMode: 'none',
  async run(args, ctx) {
    const res = await ctx.transport.exec(args.cmd);
    ctx.log(`ran ${args.cmd}`);
    if (res.exitCode !== 0) {
      return {
        status: 'failed',
        msg: `exit code ${res.exitCode}`,
        command: res.command,
        stdout: res.stdout,
        stderr: res.stderr,
        exitCode: res.exitCode,
      };
    }
    return {
      status: 'changed',
      command: res.command,
      stdout: res.stdout,
      data: { stdout: res.stdout.trim() },
    };
  },
};

/** A real shell command on the host: changed on exit 0, failed otherwise. */
export const sh = (cmd: string) => call(shModule, { cmd }) as ModuleCall<unknown>;

export type Event = [string, ...unknown[]];

export class RecordingReporter implements Reporter {
  readonly events: Event[] = [];
  readonly results: { host: string; task: string; kind: string; result: TaskResult; durationMs: number }[] =
    [];
  playbookStart() {}
  playStart(play: PlayRef) {
    this.events.push(['play', play.name, play.hosts, play.batch, play.batches]);
  }
  taskStart(host: string, task: TaskRef) {
    this.events.push(['start', task.name, host]);
  }
  taskEnd(host: string, task: TaskRef, result: TaskResult, durationMs: number) {
    this.events.push(['end', task.name, host, result.status]);
    this.results.push({ host, task: task.name, kind: task.kind, result, durationMs });
  }
  taskDone() {}
  hostUnreachable(host: string, task: TaskRef, reason: string) {
    this.events.push(['unreachable', task.name, host, reason]);
  }
  handlersStart() {}
  handlerStart(host: string, handler: TaskRef) {
    this.events.push(['handler-start', handler.name, host]);
  }
  handlerEnd(host: string, handler: TaskRef, result: TaskResult, durationMs: number) {
    this.events.push(['handler-end', handler.name, host, result.status]);
    this.results.push({ host, task: handler.name, kind: handler.kind, result, durationMs });
  }
  playEnd() {}
  log(host: string, task: TaskRef, line: string) {
    this.events.push(['log', task.name, host, line]);
  }
  warning(message: string) {
    this.events.push(['warning', message]);
  }
  recap(recap: Recap) {
    this.events.push(['recap', recap]);
  }
  async close() {}

  result(task: string, host: string): TaskResult | undefined {
    return this.results.find((r) => r.task === task && r.host === host)?.result;
  }
  warnings(): string[] {
    return this.events.filter((e) => e[0] === 'warning').map((e) => String(e[1]));
  }
}

export async function run(
  playbook: Playbook | Playbook[],
  groups: Record<string, string[]>,
  opts: Partial<RunOptions> = {},
): Promise<{ recap: Recap; reporter: RecordingReporter }> {
  const reporter = opts.reporter instanceof RecordingReporter ? opts.reporter : new RecordingReporter();
  const recap = await runPlaybooks(Array.isArray(playbook) ? playbook : [playbook], {
    inventory: inventory(groups),
    transports: transports(),
    ...opts,
    reporter: opts.reporter ?? reporter,
  });
  return { recap, reporter };
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'owctl-runner-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
