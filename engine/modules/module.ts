/**
 * The contract every module implements. A module is idempotent: it probes the host, decides
 * whether anything must change, and (unless in check mode) makes the change.
 */
import type { Host, Inventory } from '../inventory/types.ts';
import type { Transport } from '../transports/transport.ts';

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped';

export interface Diff {
  /** What the diff is about, e.g. a file path or "container controller0". */
  target: string;
  before: string;
  after: string;
}

export interface ModuleResult {
  status: TaskStatus;
  /** One line for humans: what happened or why it failed (and what to do next). */
  msg?: string;
  diff?: Diff[];
  /** The command run, and the tail of its output, when a command failed. */
  command?: string;
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** Values later tasks may read through `register`. */
  data?: Record<string, unknown>;
}

export interface ModuleContext {
  host: Host;
  inventory: Inventory;
  transport: Transport;
  /** Check mode: change nothing, report what would change. Read-only probes still run. */
  check: boolean;
  /** Diff mode: fill ModuleResult.diff. */
  diff: boolean;
  /** Results of earlier tasks on this host that set `register`. */
  registered: Record<string, ModuleResult>;
  /** Verbose lines (shown with -v). Never pass secret values here unmasked. */
  log(line: string): void;
  signal?: AbortSignal;
}

export interface Module<Args> {
  /** Name as shown in output, e.g. "copy", "docker_container". */
  readonly name: string;
  /**
   * 'full': honours check mode by simulating; 'probe': read-only, runs as usual in check mode;
   * 'none': cannot predict its effect, so it is skipped in check mode (reported as skipped).
   */
  readonly checkMode: 'full' | 'probe' | 'none';
  run(args: Args, ctx: ModuleContext): Promise<ModuleResult>;
}

/** Args may be given as a value or computed per host at run time. */
export type ArgsOf<A> = A | ((ctx: ModuleContext) => A | Promise<A>);

/** A module bound to its arguments: what a task runs. Built by the module factories. */
export interface ModuleCall<A = unknown> {
  module: Module<A>;
  args: ArgsOf<A>;
}

export function call<A>(module: Module<A>, args: ArgsOf<A>): ModuleCall<A> {
  return { module, args };
}

/** Runs a bound module: per-host args are computed first. What the runner and composite modules do. */
export async function runCall<A>(mc: ModuleCall<A>, ctx: ModuleContext): Promise<ModuleResult> {
  const args =
    typeof mc.args === 'function' ? await (mc.args as (c: ModuleContext) => A | Promise<A>)(ctx) : mc.args;
  return await mc.module.run(args, ctx);
}
