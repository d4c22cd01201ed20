/**
 * file (Ansible's): a path's state — directory (created with parents), file (created empty when
 * missing; content is copy's job), link (symlink to src), absent — plus mode/owner/group.
 */
import { dirname } from 'node:path/posix';
import { quote } from '../transports/shell.ts';
import type { FileStat } from '../transports/transport.ts';
import {
  type AttributeChange,
  applyAttributeChanges,
  attributeChanges,
  describeChanges,
  type FileAttributes,
} from './attributes.ts';
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

export type FileState = 'directory' | 'file' | 'link' | 'absent';

export interface FileArgs extends FileAttributes {
  path: string;
  state: FileState;
  /** Target of the symlink (state link). */
  src?: string;
  become?: boolean;
}

function stateOf(stat: FileStat | undefined): FileState {
  if (!stat) return 'absent';
  if (stat.isSymlink) return 'link';
  return stat.isDirectory ? 'directory' : 'file';
}

function describe(state: FileState, extra: string[] = []): string {
  return [`state: ${state}`, ...extra].join('\n') + '\n';
}

function fileDiff(
  path: string,
  stat: FileStat | undefined,
  state: FileState,
  changes: AttributeChange[],
  link?: { before?: string; after: string },
): Diff {
  const before = changes.map((c) => `${c.what}: ${c.before}`);
  const after = changes.map((c) => `${c.what}: ${c.after}`);
  if (link) {
    before.push(`src: ${link.before ?? '(none)'}`);
    after.push(`src: ${link.after}`);
  }
  return { target: path, before: describe(stateOf(stat), before), after: describe(state, after) };
}

async function readLink(ctx: ModuleContext, path: string, become?: boolean): Promise<string | ModuleResult> {
  const res = await mustExec(
    ctx,
    `readlink -- ${quote(path)}`,
    `reading symlink ${path}`,
    'check the path and permissions',
    become,
  );
  return res.ok ? res.stdout.replace(/\n$/, '') : res.result;
}

async function runFile(args: FileArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const { path, state, become } = args;
  const where = `${path} on host ${ctx.host.name}`;
  const stat = await ctx.transport.stat(path);
  const current = stateOf(stat);

  if (state === 'absent') {
    if (current === 'absent') return ok(`${path} is absent`);
    const result = changed(ctx.check ? `would remove ${current} ${path}` : `removed ${current} ${path}`);
    if (ctx.diff) result.diff = [fileDiff(path, stat, 'absent', [])];
    if (ctx.check) return result;
    const res = await mustExec(
      ctx,
      `rm -rf -- ${quote(path)}`,
      `removing ${path}`,
      'check permissions (set become: true)',
      become,
    );
    return res.ok ? result : res.result;
  }

  if (current !== 'absent' && current !== state) {
    return failed(
      `${where} is a ${current}, not a ${state}; remove it first (file state: absent) or choose another path`,
    );
  }

  let linkChange: { before?: string; after: string } | undefined;
  if (state === 'link') {
    if (!args.src) return failed(`file state link for ${where} needs src (the link target)`);
    const target = current === 'link' ? await readLink(ctx, path, become) : undefined;
    if (typeof target === 'object') return target;
    if (target !== args.src) linkChange = { before: target, after: args.src };
  }

  // Links carry no mode of their own (chmod follows them), so attributes apply to the rest only.
  const changes =
    state === 'link'
      ? []
      : await attributeChanges(ctx, path, args, current === 'absent' ? undefined : stat, become);
  if (!Array.isArray(changes)) return changes.failed;
  const creating = current === 'absent';
  if (!creating && !linkChange && changes.length === 0) return ok(`${path} is a ${state} as wanted`);

  const what = creating
    ? `${state} ${path}${state === 'link' ? ` → ${args.src}` : ''}${changes.length ? ` (${describeChanges(changes)})` : ''}`
    : linkChange
      ? `link ${path} → ${args.src} (was ${linkChange.before})`
      : `${path}: ${describeChanges(changes)}`;
  const result = changed(
    ctx.check
      ? `would ${creating ? 'create' : 'change'} ${what}`
      : `${creating ? 'created' : 'changed'} ${what}`,
  );
  if (ctx.diff) result.diff = [fileDiff(path, stat, state, changes, linkChange)];
  if (ctx.check) return result;

  if (creating || linkChange) {
    const create =
      state === 'directory'
        ? `mkdir -p -- ${quote(path)}`
        : state === 'file'
          ? `mkdir -p -- ${quote(dirname(path))} && touch -- ${quote(path)}`
          : `mkdir -p -- ${quote(dirname(path))} && ln -sfn -- ${quote(args.src ?? '')} ${quote(path)}`;
    const res = await mustExec(
      ctx,
      create,
      `creating ${state} ${path}`,
      'check the parent directory and permissions (set become: true)',
      become,
    );
    if (!res.ok) return res.result;
  }
  const failure = await applyAttributeChanges(ctx, path, changes, become);
  return failure ?? result;
}

export const fileModule: Module<FileArgs> = { name: 'file', checkMode: 'full', run: runFile };

export function file(args: ArgsOf<FileArgs>): ModuleCall<FileArgs> {
  return call(fileModule, args);
}
