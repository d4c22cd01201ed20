/**
 * What every command module receives. Command modules live in `commands/*.ts` and export a
 * `register(program, ctx)` function; `trigger`, `rule`, `package`, `api` slot in the same way.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { KeyValue } from '../../services/common/types.ts';
import { WhiskClient } from './client.ts';
import type { Output } from './output.ts';
import { mergeJsonObjects, toKeyValues } from './params.ts';
import { type GlobalFlags, resolveSettings, type Settings } from './props.ts';

export class CommandContext {
  private clients: WhiskClient[] = [];

  constructor(
    readonly output: Output,
    /** JSON objects lifted out of argv by `extractKeyValueArgs` (`-p`/`-P`, `-a`/`-A`). */
    private readonly kv: { params: string[]; annotations: string[] },
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  settings(cmd: Command): Settings {
    return resolveSettings(cmd.optsWithGlobals<GlobalFlags>(), this.env);
  }

  client(cmd: Command): WhiskClient {
    const client = new WhiskClient(this.settings(cmd), this.output);
    this.clients.push(client);
    return client;
  }

  /** `-p`/`-P` merged into one object (later wins), or undefined when none were given. */
  params(): Record<string, unknown> | undefined {
    return this.kv.params.length ? mergeJsonObjects(this.kv.params, 'parameter') : undefined;
  }

  paramList(): KeyValue[] | undefined {
    const p = this.params();
    return p && toKeyValues(p);
  }

  annotationList(): KeyValue[] | undefined {
    return this.kv.annotations.length
      ? toKeyValues(mergeJsonObjects(this.kv.annotations, 'annotation'))
      : undefined;
  }

  ok(text: string): void {
    this.output.out(`ok: ${text}\n`);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }
}

/** commander hands an action handler its positional args, options and the command itself last. */
export function commandOf(args: unknown[]): Command {
  return args[args.length - 1] as Command;
}

export function intOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`'${value}' is not an integer.`);
  return n;
}
