/**
 * copy (Ansible's): put content on the host — given inline (string, Buffer or Secret) or read from
 * a file on the controller (`src`). Writes only when the SHA-256 differs.
 */
import { readFile } from 'node:fs/promises';
import { isSecret, type Secret } from '../secret.ts';
import type { FileAttributes } from './attributes.ts';
import { ensureContent } from './content.ts';
import {
  type ArgsOf,
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from './module.ts';
import { controllerPath } from './paths.ts';
import { errorMessage, failed } from './results.ts';

export interface CopyArgs extends FileAttributes {
  dest: string;
  /** Inline content; a Secret is written revealed but never shown. */
  content?: string | Buffer | Secret;
  /** A file on the controller: absolute, or relative to the owctl checkout. */
  src?: string;
  become?: boolean;
}

async function runCopy(args: CopyArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const { content, src, dest } = args;
  if ((content === undefined) === (src === undefined)) {
    return failed(`copy to ${dest} on host ${ctx.host.name}: give exactly one of content or src`);
  }
  let data: Buffer;
  if (src !== undefined) {
    const path = controllerPath(src);
    try {
      data = await readFile(path);
    } catch (err) {
      return failed(
        `copy to ${dest} on host ${ctx.host.name}: cannot read source ${path} on the controller (${errorMessage(err)}); check the src path`,
      );
    }
  } else {
    data = isSecret(content) ? Buffer.from(content.reveal()) : Buffer.from(content ?? '');
  }
  return await ensureContent(ctx, {
    dest,
    content: data,
    mode: args.mode,
    owner: args.owner,
    group: args.group,
    become: args.become,
    masked: isSecret(content) ? '(secret content changed)' : undefined,
  });
}

export const copyModule: Module<CopyArgs> = { name: 'copy', checkMode: 'full', run: runCopy };

export function copy(args: ArgsOf<CopyArgs>): ModuleCall<CopyArgs> {
  return call(copyModule, args);
}
