/**
 * The heart of copy, template and every module that installs a file: compare the SHA-256 of the
 * host's file with the wanted content, write (atomically, through the transport) only when they
 * differ, then fix mode/owner/group. Secret content never reaches msg or diff.
 */
import { createHash } from 'node:crypto';
import { quote } from '../transports/shell.ts';
import type { FileStat } from '../transports/transport.ts';
import {
  type AttributeChange,
  applyAttributeChanges,
  attributeChanges,
  describeChanges,
  type FileAttributes,
  parseMode,
} from './attributes.ts';
import type { Diff, ModuleContext, ModuleResult } from './module.ts';
import { changed, errorMessage, failed, ok } from './results.ts';

export interface WantedContent extends FileAttributes {
  dest: string;
  content: Buffer;
  /**
   * Set when the content holds secrets: the text shown instead of the content in the diff,
   * e.g. "(secret content changed)".
   */
  masked?: string;
  become?: boolean;
}

/** Diff texts are cut here: enough to review a config change, not a dump of a large file. */
const DIFF_MAX_LINES = 500;
const DIFF_MAX_BYTES = 64 * 1024;

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The text shown for a file's content in a diff: its (truncated) text, or a binary summary. */
export function diffText(content: Buffer | undefined): string {
  if (content === undefined) return '';
  const text = asText(content);
  if (text === undefined) return `(binary content, ${content.length} bytes, sha256 ${sha256(content)})\n`;
  let shown = text.length > DIFF_MAX_BYTES ? text.slice(0, DIFF_MAX_BYTES) : text;
  const lines = shown.split('\n');
  if (lines.length > DIFF_MAX_LINES) shown = lines.slice(0, DIFF_MAX_LINES).join('\n');
  if (shown.length < text.length) {
    const more = text.split('\n').length - shown.split('\n').length;
    shown += `\n… (truncated: ${more} more lines)\n`;
  }
  return shown;
}

function asText(content: Buffer): string | undefined {
  if (content.subarray(0, 8192).includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return undefined;
  }
}

/** The host's file content; a file only root can read is read through `sudo` when become is set. */
async function readCurrent(ctx: ModuleContext, path: string, become?: boolean): Promise<Buffer | undefined> {
  try {
    return await ctx.transport.readFile(path);
  } catch (err) {
    if (!become) throw err;
    const res = await ctx.transport.exec(`base64 < ${quote(path)}`, { become: true });
    if (res.exitCode !== 0) throw err;
    return Buffer.from(res.stdout.replace(/\s+/g, ''), 'base64');
  }
}

/** Ensures `dest` holds exactly `content` (and the given attributes). */
export async function ensureContent(ctx: ModuleContext, wanted: WantedContent): Promise<ModuleResult> {
  const { dest, become } = wanted;
  const where = `${dest} on host ${ctx.host.name}`;
  let current: Buffer | undefined;
  let stat: FileStat | undefined;
  try {
    stat = await ctx.transport.stat(dest);
    if (stat?.isDirectory) return failed(`${where} is a directory; give the full file path as dest`);
    current = stat ? await readCurrent(ctx, dest, become) : undefined;
  } catch (err) {
    return failed(`cannot read ${where}: ${errorMessage(err)}; set become: true if only root may read it`);
  }
  const contentChanged = current === undefined || sha256(current) !== sha256(wanted.content);
  const changes = await attributeChanges(ctx, dest, wanted, stat, become);
  if (!Array.isArray(changes)) return changes.failed;
  const data: Record<string, unknown> = { dest, changed: contentChanged || changes.length > 0 };
  if (!wanted.masked) data.sha256 = sha256(wanted.content);
  if (!contentChanged && changes.length === 0) return ok(`${dest} is up to date`, data);

  const attrs = changes.map((c) => `${c.what} ${c.after}`).join(', ');
  const what =
    current === undefined
      ? `create ${dest}${attrs ? ` (${attrs})` : ''}`
      : contentChanged
        ? `update content of ${dest}${changes.length ? `, ${describeChanges(changes)}` : ''}`
        : `${dest}: ${describeChanges(changes)}`;
  const result = changed(`${ctx.check ? 'would ' : ''}${what}`, data);
  if (ctx.diff) result.diff = [contentDiff(wanted, current, contentChanged, changes)];
  if (ctx.check) return result;

  if (contentChanged) {
    const mode = wanted.mode !== undefined ? parseMode(wanted.mode) : (stat?.mode ?? 0o644);
    try {
      await ctx.transport.writeFile(dest, wanted.content, { mode, become });
    } catch (err) {
      return failed(
        `cannot write ${where}: ${errorMessage(err)}; check the directory and permissions (set become: true)`,
      );
    }
  }
  const after = contentChanged
    ? await attributeChanges(ctx, dest, wanted, await ctx.transport.stat(dest), become)
    : changes;
  if (!Array.isArray(after)) return after.failed;
  return (await applyAttributeChanges(ctx, dest, after, become)) ?? result;
}

function contentDiff(
  wanted: WantedContent,
  current: Buffer | undefined,
  contentChanged: boolean,
  changes: AttributeChange[],
): Diff {
  const target = wanted.dest;
  if (!contentChanged) {
    return {
      target,
      before: changes.map((c) => `${c.what}: ${c.before}\n`).join(''),
      after: changes.map((c) => `${c.what}: ${c.after}\n`).join(''),
    };
  }
  if (wanted.masked) {
    return { target, before: current === undefined ? '' : '(secret content)\n', after: `${wanted.masked}\n` };
  }
  return { target, before: diffText(current), after: diffText(wanted.content) };
}
