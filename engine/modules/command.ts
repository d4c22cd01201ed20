/**
 * command and shell (Ansible's): run a program on the host. `command` takes an argv array (quoted
 * for the host's shell, so arguments arrive unchanged); `shell` takes a shell command line.
 * Reports changed (a command's effect is unknown; tasks use changedWhen), or ok with `readOnly`.
 */
import { isSecret, type Secret } from '../secret.ts';
import { quote } from '../transports/shell.ts';
import type { ExecOptions } from '../transports/transport.ts';
import type { ArgsOf, ModuleCall, ModuleContext, ModuleResult } from './module.ts';
import { readOnlyAware } from './read_only.ts';
import { commandFailed, failed, ok, tail } from './results.ts';

interface CommonArgs {
  /** Skip (ok) when this path exists on the host. */
  creates?: string;
  /** Skip (ok) when this path does not exist on the host. */
  removes?: string;
  chdir?: string;
  env?: Record<string, string | Secret>;
  stdin?: string;
  timeoutMs?: number;
  become?: boolean;
  /** The command changes nothing (a probe): runs in check mode and reports ok. */
  readOnly?: boolean;
}

export interface CommandArgs extends CommonArgs {
  argv: string[];
}

export interface ShellArgs extends CommonArgs {
  cmd: string;
}

async function runCommandLine(line: string, args: CommonArgs, ctx: ModuleContext): Promise<ModuleResult> {
  if (args.creates !== undefined && (await ctx.transport.stat(args.creates))) {
    return ok(`skipped: ${args.creates} exists`);
  }
  if (args.removes !== undefined && !(await ctx.transport.stat(args.removes))) {
    return ok(`skipped: ${args.removes} does not exist`);
  }
  const options: ExecOptions = {
    cwd: args.chdir,
    stdin: args.stdin,
    timeoutMs: args.timeoutMs,
    become: args.become,
    onStdout: (chunk) => logLines(ctx, chunk),
    onStderr: (chunk) => logLines(ctx, chunk),
  };
  if (args.env) {
    options.env = Object.fromEntries(
      Object.entries(args.env).map(([k, v]) => [k, isSecret(v) ? v.reveal() : v] as const),
    );
  }
  const res = await ctx.transport.exec(line, options);
  if (res.timedOut || res.exitCode !== 0) {
    if (res.timedOut) {
      return failed(
        `command timed out after ${args.timeoutMs} ms on host ${ctx.host.name}: ${line}; raise timeoutMs or check why it hangs`,
        { command: line, exitCode: res.exitCode, stdout: tail(res.stdout), stderr: tail(res.stderr) },
      );
    }
    return commandFailed(
      ctx,
      `command "${line}"`,
      res,
      'its stdout/stderr tail is in the result; fix the command or its inputs',
    );
  }
  const data = { command: line, exitCode: res.exitCode, stdout: res.stdout, stderr: res.stderr };
  return {
    status: args.readOnly ? 'ok' : 'changed',
    command: line,
    exitCode: res.exitCode,
    stdout: res.stdout,
    stderr: res.stderr,
    data,
  };
}

function logLines(ctx: ModuleContext, chunk: string): void {
  for (const line of chunk.split('\n')) if (line !== '') ctx.log(line);
}

const commandImpl = readOnlyAware<CommandArgs>(
  'command',
  (a) => a.readOnly === true,
  async (args, ctx) => {
    if (args.argv.length === 0)
      return failed(`command on host ${ctx.host.name} has an empty argv; give the program to run`);
    return await runCommandLine(args.argv.map(quote).join(' '), args, ctx);
  },
);

const shellImpl = readOnlyAware<ShellArgs>(
  'shell',
  (a) => a.readOnly === true,
  async (args, ctx) => await runCommandLine(args.cmd, args, ctx),
);

export const commandModule = commandImpl.mutating;
export const commandProbeModule = commandImpl.probe;
export const shellModule = shellImpl.mutating;
export const shellProbeModule = shellImpl.probe;

export function command(args: ArgsOf<CommandArgs>): ModuleCall<CommandArgs> {
  return commandImpl.bind(args);
}

export function shell(args: ArgsOf<ShellArgs>): ModuleCall<ShellArgs> {
  return shellImpl.bind(args);
}
