/**
 * process: a long-running program kept alive by owctl's supervisor (engine/supervisor/supervise.mjs),
 * for hosts without systemd. The supervisor script is installed to {deploy_dir}/bin/supervise.mjs
 * and needs only `node` on the host. Idempotent through the supervisor's state files: `started` is
 * ok when the recorded supervisor runs with the same configuration hash. Only pids from those files,
 * verified through /proc/<pid>/cmdline, are ever signalled.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dirname } from 'node:path/posix';
import type { Secret } from '../secret.ts';
import { quote } from '../transports/shell.ts';
import type { Transport } from '../transports/transport.ts';
import { ensureContent } from './content.ts';
import {
  type ArgsOf,
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from './module.ts';
import { REPO_ROOT } from './paths.ts';
import { changed, failed, mustExec, ok } from './results.ts';
import { revealDeep } from './reveal.ts';

export interface ProcessArgs {
  /** Service name: names the default pid/log files and identifies the supervisor. */
  name: string;
  /** The program and its arguments (may be empty for state stopped). */
  command: string[];
  cwd?: string;
  env?: Record<string, string | Secret>;
  /** Default {deploy_dir}/logs/<name>.log (rotated at 10 MB to .1). */
  logFile?: string;
  /** Default {deploy_dir}/run/<name>.pid; the state sits next to it in <pidFile>.json. */
  pidFile?: string;
  state: 'started' | 'stopped' | 'restarted';
  /** Hash of the service's configuration (e.g. its rendered config file): a change restarts it. */
  configHash?: string;
  /** The node binary on the host (default: node on PATH). */
  node?: string;
  /** Grace period for the program between SIGTERM and SIGKILL (default 10000). */
  stopTimeoutMs?: number;
  become?: boolean;
}

export interface ProcessStatus {
  running: boolean;
  supervisorPid?: number;
  childPid?: number;
  configHash?: string;
  restarts?: number;
  startedAt?: string;
}

export const SUPERVISOR_SOURCE = join(REPO_ROOT, 'engine/supervisor/supervise.mjs');

interface SupervisorState {
  name?: string;
  supervisorPid?: number;
  childPid?: number | null;
  configHash?: string;
  restarts?: number;
  startedAt?: string;
}

async function readState(transport: Transport, pidFile: string): Promise<SupervisorState | undefined> {
  const raw = await transport.readFile(`${pidFile}.json`);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw.toString()) as SupervisorState;
  } catch {
    return undefined;
  }
}

/** True when `pid` is a live supervisor for `name` (so it is ours to signal). */
async function isOurSupervisor(
  transport: Transport,
  pid: number,
  name: string | undefined,
): Promise<boolean> {
  const res = await transport.exec(`cat /proc/${pid}/cmdline 2>/dev/null | tr '\\0' '\\n'`);
  if (res.exitCode !== 0) return false;
  const argv = res.stdout.split('\n');
  const nameAt = argv.indexOf('--name');
  return (
    argv.some((a) => a.endsWith('supervise.mjs')) &&
    nameAt >= 0 &&
    (name === undefined || argv[nameAt + 1] === name)
  );
}

/** Whether the supervisor recorded in `pidFile` runs, and what it recorded. */
export async function processStatus(
  transport: Transport,
  pidFile: string,
  name?: string,
): Promise<ProcessStatus> {
  const pidText = (await transport.readFile(pidFile))?.toString().trim();
  const pid = pidText ? Number.parseInt(pidText, 10) : Number.NaN;
  if (!Number.isInteger(pid) || pid <= 0) return { running: false };
  const state = await readState(transport, pidFile);
  if (!(await isOurSupervisor(transport, pid, name ?? state?.name))) return { running: false };
  return {
    running: true,
    supervisorPid: pid,
    childPid: state?.childPid ?? undefined,
    configHash: state?.configHash,
    restarts: state?.restarts,
    startedAt: state?.startedAt,
  };
}

interface Resolved {
  args: ProcessArgs;
  pidFile: string;
  logFile: string;
  supervisor: string;
  hash: string;
}

function resolve(args: ProcessArgs, ctx: ModuleContext): Resolved {
  const deployDir = ctx.host.vars.deploy_dir;
  const env = revealDeep(args.env ?? {}) as Record<string, string>;
  // The hash covers how the program is run as well as its configuration: any change restarts it.
  const hash = createHash('sha256')
    .update(JSON.stringify({ command: args.command, cwd: args.cwd, env, configHash: args.configHash ?? '' }))
    .digest('hex')
    .slice(0, 16);
  return {
    args,
    pidFile: args.pidFile ?? `${deployDir}/run/${args.name}.pid`,
    logFile: args.logFile ?? `${deployDir}/logs/${args.name}.log`,
    supervisor: `${deployDir}/bin/supervise.mjs`,
    hash,
  };
}

async function start(ctx: ModuleContext, r: Resolved): Promise<ModuleResult | undefined> {
  const installed = await ensureContent(ctx, {
    dest: r.supervisor,
    content: await readFile(SUPERVISOR_SOURCE),
    mode: 0o755,
    become: r.args.become,
  });
  if (installed.status === 'failed') return installed;
  const argv = [
    r.args.node ?? 'node',
    r.supervisor,
    '--daemonize',
    '--name',
    r.args.name,
    '--pid-file',
    r.pidFile,
    '--log-file',
    r.logFile,
    '--config-hash',
    r.hash,
    ...(r.args.cwd ? ['--cwd', r.args.cwd] : []),
    ...(r.args.stopTimeoutMs !== undefined ? ['--stop-timeout-ms', String(r.args.stopTimeoutMs)] : []),
    '--',
    ...r.args.command,
  ];
  const res = await ctx.transport.exec(argv.map(quote).join(' '), {
    env: revealDeep(r.args.env ?? {}) as Record<string, string>,
    become: r.args.become,
    timeoutMs: 15_000,
  });
  if (res.exitCode === 0) return undefined;
  return failed(
    `starting ${r.args.name} on host ${ctx.host.name} failed (exit code ${res.exitCode}: ${res.stderr.trim() || res.stdout.trim()}); check the command and the log ${r.logFile}`,
    { command: res.command, exitCode: res.exitCode, stdout: res.stdout, stderr: res.stderr },
  );
}

async function stop(
  ctx: ModuleContext,
  r: Resolved,
  status: ProcessStatus,
): Promise<ModuleResult | undefined> {
  const pid = status.supervisorPid;
  if (!pid) return undefined;
  const grace = (r.args.stopTimeoutMs ?? 10_000) + 5000;
  const sent = await mustExec(
    ctx,
    `kill -TERM ${pid}`,
    `stopping ${r.args.name} (supervisor pid ${pid})`,
    'check that the connecting user may signal it (set become: true)',
    r.args.become,
  );
  if (!sent.ok) return sent.result;
  const deadline = Date.now() + grace;
  while (Date.now() < deadline) {
    // The pid itself, not the pid file: the supervisor removes its files just before it exits.
    if (!(await isOurSupervisor(ctx.transport, pid, r.args.name))) return undefined;
    await new Promise((res) => setTimeout(res, 100));
  }
  return failed(
    `${r.args.name} on host ${ctx.host.name} did not stop within ${grace} ms after SIGTERM (supervisor pid ${pid}); see ${r.logFile} and stop it by hand`,
  );
}

function describe(status: ProcessStatus): string {
  return status.running ? `state: started\nconfigHash: ${status.configHash ?? ''}\n` : 'state: stopped\n';
}

async function runProcess(args: ProcessArgs, ctx: ModuleContext): Promise<ModuleResult> {
  if (args.command.length === 0 && args.state !== 'stopped') {
    return failed(`process ${args.name} on host ${ctx.host.name} needs a command to run`);
  }
  const r = resolve(args, ctx);
  const status = await processStatus(ctx.transport, r.pidFile, args.name);
  const data = { pidFile: r.pidFile, logFile: r.logFile, configHash: r.hash };

  let action: 'start' | 'restart' | 'stop' | undefined;
  let why = '';
  if (args.state === 'stopped') {
    if (status.running) action = 'stop';
  } else if (args.state === 'restarted') {
    action = status.running ? 'restart' : 'start';
  } else if (!status.running) {
    action = 'start';
  } else if (status.configHash !== r.hash) {
    action = 'restart';
    why = ' (configuration changed)';
  }
  if (!action) {
    return ok(
      `${args.name} is ${args.state === 'stopped' ? 'stopped' : `running (pid ${status.supervisorPid})`}`,
      {
        ...data,
        ...status,
      },
    );
  }

  const verb = { start: 'started', restart: 'restarted', stop: 'stopped' }[action];
  const result = changed(
    ctx.check ? `would ${action} ${args.name}${why}` : `${verb} ${args.name}${why}`,
    data,
  );
  if (ctx.diff) {
    const after: ProcessStatus =
      action === 'stop' ? { running: false } : { running: true, configHash: r.hash };
    result.diff = [{ target: `process ${args.name}`, before: describe(status), after: describe(after) }];
  }
  if (ctx.check) return result;

  if (action !== 'start') {
    const failure = await stop(ctx, r, status);
    if (failure) return failure;
  }
  if (action !== 'stop') {
    const dirs = await mustExec(
      ctx,
      `mkdir -p -- ${quote(dirname(r.pidFile))} ${quote(dirname(r.logFile))}`,
      `creating the state and log directories of ${args.name}`,
      'check permissions (set become: true)',
      args.become,
    );
    if (!dirs.ok) return dirs.result;
    const failure = await start(ctx, r);
    if (failure) return failure;
  }
  const now = await processStatus(ctx.transport, r.pidFile, args.name);
  result.data = { ...data, ...now };
  return result;
}

export const processModule: Module<ProcessArgs> = { name: 'process', checkMode: 'full', run: runProcess };

/** The process module's factory (not named `process`, which would shadow Node's global). */
export function supervisedProcess(args: ArgsOf<ProcessArgs>): ModuleCall<ProcessArgs> {
  return call(processModule, args);
}
