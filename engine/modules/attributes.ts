/**
 * File attributes shared by file, copy and template: mode (0o755 or "0755"), owner and group.
 * Probes first and changes only what differs, through the transport's exec.
 */

import { quote } from '../transports/shell.ts';
import type { FileStat } from '../transports/transport.ts';
import type { ModuleContext, ModuleResult } from './module.ts';
import { errorMessage, failed, mustExec } from './results.ts';

export interface FileAttributes {
  /** Permission bits: a number (0o755) or an octal string ("0755", "755"). */
  mode?: number | string;
  /** User name or numeric uid. */
  owner?: string | number;
  /** Group name or numeric gid. */
  group?: string | number;
}

/** Permission bits from a number or an octal string; throws naming the bad value. */
export function parseMode(mode: number | string): number {
  const bits =
    typeof mode === 'number' ? mode : /^[0-7]{3,4}$/.test(mode) ? Number.parseInt(mode, 8) : Number.NaN;
  if (!Number.isInteger(bits) || bits < 0 || bits > 0o7777) {
    throw new Error(
      `invalid file mode ${JSON.stringify(mode)}: use a number like 0o755 or an octal string like "0755"`,
    );
  }
  return bits;
}

export function formatMode(bits: number): string {
  return `0${(bits & 0o7777).toString(8).padStart(3, '0')}`;
}

/** What to change, in words for msg and diff; empty when the attributes already match. */
export interface AttributeChange {
  what: 'mode' | 'owner' | 'group';
  before: string;
  after: string;
  command: string;
}

/**
 * Compares the wanted attributes with `stat` (undefined: the file is about to be created, so
 * every given attribute is a change) and lists the commands that would fix them.
 */
export async function attributeChanges(
  ctx: ModuleContext,
  path: string,
  wanted: FileAttributes,
  stat: FileStat | undefined,
  become?: boolean,
): Promise<AttributeChange[] | { failed: ModuleResult }> {
  const changes: AttributeChange[] = [];
  if (wanted.mode !== undefined) {
    let mode: number;
    try {
      mode = parseMode(wanted.mode);
    } catch (err) {
      return { failed: failed(`${path} on host ${ctx.host.name}: ${errorMessage(err)}`) };
    }
    if (!stat || (stat.mode & 0o7777) !== mode) {
      changes.push({
        what: 'mode',
        before: stat ? formatMode(stat.mode) : '(none)',
        after: formatMode(mode),
        command: `chmod ${formatMode(mode)} -- ${quote(path)}`,
      });
    }
  }
  for (const what of ['owner', 'group'] as const) {
    const name = wanted[what];
    if (name === undefined) continue;
    const id = await resolveId(ctx, what, name, become);
    if (typeof id !== 'number') return id;
    const current = stat ? (what === 'owner' ? stat.uid : stat.gid) : undefined;
    if (current !== id) {
      const spec = what === 'owner' ? String(id) : `:${id}`;
      changes.push({
        what,
        before: current === undefined ? '(none)' : String(current),
        after: `${name} (${id})`,
        command: `chown ${spec} -- ${quote(path)}`,
      });
    }
  }
  return changes;
}

/** Applies listed attribute changes; the failure result when one fails. */
export async function applyAttributeChanges(
  ctx: ModuleContext,
  path: string,
  changes: AttributeChange[],
  become?: boolean,
): Promise<ModuleResult | undefined> {
  for (const change of changes) {
    const res = await mustExec(
      ctx,
      change.command,
      `setting ${change.what} of ${path} to ${change.after}`,
      `check that the ${change.what === 'mode' ? 'file' : change.what} exists and that the connecting user may change it (set become: true)`,
      become,
    );
    if (!res.ok) return res.result;
  }
  return undefined;
}

export function describeChanges(changes: AttributeChange[]): string {
  return changes.map((c) => `${c.what} ${c.before} → ${c.after}`).join(', ');
}

async function resolveId(
  ctx: ModuleContext,
  what: 'owner' | 'group',
  name: string | number,
  become?: boolean,
): Promise<number | { failed: ModuleResult }> {
  if (typeof name === 'number' || /^\d+$/.test(name)) return Number(name);
  const command = what === 'owner' ? `id -u -- ${quote(name)}` : `getent group ${quote(name)} | cut -d: -f3`;
  const res = await mustExec(
    ctx,
    command,
    `looking up ${what} ${name}`,
    `create the ${what === 'owner' ? 'user' : 'group'} ${name} on the host first, or use a numeric id`,
    become,
  );
  if (!res.ok) return { failed: res.result };
  const id = Number.parseInt(res.stdout.trim(), 10);
  if (Number.isNaN(id)) {
    return {
      failed: {
        status: 'failed',
        msg: `${what} ${name} does not exist on host ${ctx.host.name}; create it first or use a numeric id`,
        command,
      },
    };
  }
  return id;
}
