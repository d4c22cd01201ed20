/**
 * systemd (Ansible's systemd_service): install a unit file under /etc/systemd/system, reload
 * systemd when it changed, and bring the service to the wanted state. Refuses, with a clear
 * message, on hosts where systemd is not running (containers, minimal hosts): use the process
 * module there.
 */
import { isSecret, type Secret } from '../secret.ts';
import { quote } from '../transports/shell.ts';
import type { Transport } from '../transports/transport.ts';
import { ensureContent } from './content.ts';
import {
  type ArgsOf,
  call,
  type Diff,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from './module.ts';
import { changed, failed, mustExec, ok } from './results.ts';

export interface SystemdArgs {
  /** Service name without ".service". */
  name: string;
  /** Unit file content (see systemdUnit); omitted: manage an installed unit. Secrets are masked in diffs. */
  unit?: string | Secret;
  state?: 'started' | 'stopped' | 'restarted';
  enabled?: boolean;
  become?: boolean;
}

export interface UnitSpec {
  description: string;
  execStart: string[];
  workingDirectory?: string;
  environment?: Record<string, string>;
  user?: string;
  group?: string;
  restart?: 'always' | 'on-failure' | 'no';
  restartSec?: number;
  after?: string[];
  wantedBy?: string;
}

/** systemd's quoting: % starts a specifier, $ a variable, so both are doubled; quotes escaped. */
function unitWord(word: string, keepDollar = false): string {
  let escaped = word.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('%', '%%');
  if (!keepDollar) escaped = escaped.replaceAll('$', () => '$$');
  return /[\s"'\\;]/.test(word) || word === '' ? `"${escaped}"` : escaped;
}

/** Renders a service unit; values are escaped so they reach the program unchanged. */
export function systemdUnit(spec: UnitSpec): string {
  const after = spec.after ?? ['network-online.target'];
  const lines = [
    '[Unit]',
    `Description=${spec.description}`,
    `After=${after.join(' ')}`,
    `Wants=${after.join(' ')}`,
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${spec.execStart.map((w) => unitWord(w)).join(' ')}`,
  ];
  if (spec.workingDirectory) lines.push(`WorkingDirectory=${spec.workingDirectory}`);
  if (spec.user) lines.push(`User=${spec.user}`);
  if (spec.group) lines.push(`Group=${spec.group}`);
  for (const [name, value] of Object.entries(spec.environment ?? {})) {
    lines.push(`Environment=${unitWord(`${name}=${value}`, true)}`);
  }
  lines.push(`Restart=${spec.restart ?? 'always'}`, `RestartSec=${spec.restartSec ?? 1}`, '');
  lines.push('[Install]', `WantedBy=${spec.wantedBy ?? 'multi-user.target'}`, '');
  return lines.join('\n');
}

/** True when systemd is the running init on the host (what systemctl itself checks). */
export async function systemdAvailable(transport: Transport): Promise<boolean> {
  return (await transport.stat('/run/systemd/system'))?.isDirectory === true;
}

async function systemctlQuery(
  ctx: ModuleContext,
  query: 'is-active' | 'is-enabled',
  unit: string,
): Promise<string> {
  return (await ctx.transport.exec(`systemctl ${query} ${quote(unit)}`)).stdout.trim();
}

async function runSystemd(args: SystemdArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const unit = `${args.name}.service`;
  if (!(await systemdAvailable(ctx.transport))) {
    return failed(
      `systemd is not running on host ${ctx.host.name} (/run/systemd/system is missing), so ${unit} cannot be managed; use the process module (supervised processes) for this host instead`,
    );
  }
  const done: string[] = [];
  const diff: Diff[] = [];
  let unitChanged = false;
  if (args.unit !== undefined) {
    const installed = await ensureContent(ctx, {
      dest: `/etc/systemd/system/${unit}`,
      content: Buffer.from(isSecret(args.unit) ? args.unit.reveal() : args.unit),
      mode: 0o644,
      become: args.become,
      masked: isSecret(args.unit) ? '(unit with secrets changed)' : undefined,
    });
    if (installed.status === 'failed') return installed;
    if (installed.status === 'changed') {
      unitChanged = true;
      done.push(`write /etc/systemd/system/${unit}`, 'daemon-reload');
      diff.push(...(installed.diff ?? []));
      if (!ctx.check) {
        const reload = await mustExec(
          ctx,
          'systemctl daemon-reload',
          'systemctl daemon-reload',
          'see the journal (journalctl -xe)',
          args.become,
        );
        if (!reload.ok) return reload.result;
      }
    }
  }

  const steps: [string, string][] = [];
  if (args.enabled !== undefined) {
    const enabled = (await systemctlQuery(ctx, 'is-enabled', unit)) === 'enabled';
    if (enabled !== args.enabled)
      steps.push([args.enabled ? 'enable' : 'disable', `${args.enabled ? 'enable' : 'disable'} ${unit}`]);
  }
  if (args.state) {
    const active = (await systemctlQuery(ctx, 'is-active', unit)) === 'active';
    if (args.state === 'restarted' || (args.state === 'started' && active && unitChanged)) {
      steps.push(['restart', `restart ${unit}${args.state === 'started' ? ' (unit changed)' : ''}`]);
    } else if (args.state === 'started' && !active) {
      steps.push(['start', `start ${unit}`]);
    } else if (args.state === 'stopped' && active) {
      steps.push(['stop', `stop ${unit}`]);
    }
  }
  if (!ctx.check) {
    for (const [verb, what] of steps) {
      const res = await mustExec(
        ctx,
        `systemctl ${verb} ${quote(unit)}`,
        what,
        `see systemctl status ${unit} and journalctl -u ${unit}`,
        args.become,
      );
      if (!res.ok) return res.result;
    }
  }
  done.push(...steps.map(([, what]) => what));
  if (done.length === 0) return ok(`${unit} is as wanted`);
  const result = changed(`${ctx.check ? 'would ' : ''}${done.join(', ')}`);
  if (ctx.diff && diff.length) result.diff = diff;
  return result;
}

export const systemdModule: Module<SystemdArgs> = { name: 'systemd', checkMode: 'full', run: runSystemd };

export function systemd(args: ArgsOf<SystemdArgs>): ModuleCall<SystemdArgs> {
  return call(systemdModule, args);
}
