/** What the entity commands (action, package, trigger, rule) share: summaries, `get` output, `-p`/`-a`, lists. */
import type { Command } from 'commander';
import type { KeyValue } from '../../services/common/types.ts';
import { apiPath, expectOk } from './client.ts';
import { type CommandContext, commandOf, intOption } from './context.ts';
import { attempt, EXIT, WskError } from './errors.ts';
import { displayNamespace, parseQualifiedName } from './names.ts';
import { json } from './output.ts';

export interface Entity {
  namespace?: string;
  name?: string;
  publish?: boolean;
  annotations?: KeyValue[];
  parameters?: KeyValue[];
}

/** One `--summary` entry as upstream prints it: `<type> /ns/name: description` then its parameters. */
export function entitySummary(type: string, fullName: string, e: Entity): string {
  const annotations = e.annotations ?? [];
  const bound = (e.parameters ?? []).map((p) => p.key);
  const described = annotations.find((a) => a.key === 'parameters')?.value;
  const declared = Array.isArray(described)
    ? described.map((d: { name?: unknown }) => d?.name).filter((n): n is string => typeof n === 'string')
    : [];
  const tag = annotations.find((a) => a.key === 'final')?.value === true ? '**' : '*';
  const names = [...new Set([...bound, ...declared])]
    .sort()
    .map((n) => (bound.includes(n) ? `${tag}${n}` : n));
  const description = annotations.find((a) => a.key === 'description')?.value;
  let head = `${type} ${fullName}`;
  if (typeof description === 'string' && description) head += `: ${description}`;
  else if (names.length) {
    const plain = names.map((n) => n.replace(/\*/g, ''));
    const last = plain.pop();
    head += plain.length
      ? `: Returns a result based on parameters ${plain.join(', ')} and ${last}`
      : `: Returns a result based on parameter ${last}`;
  }
  return `${head}\n   (parameters: ${names.length ? names.join(', ') : 'none defined'})\n`;
}

/**
 * `get NAME [FIELD_FILTER]` output: `ok: got <type> NAME` and the entity, or one field of it.
 * An unknown field is a usage error (exit 2, with usage) for actions and a general one elsewhere, as upstream.
 */
export function showEntity(
  ctx: CommandContext,
  type: string,
  name: string,
  entity: object,
  field: string | undefined,
  unknownFieldIsUsage = false,
): void {
  if (!field) {
    ctx.ok(`got ${type} ${name}`);
    ctx.output.out(json(entity));
    return;
  }
  if (!(field in entity)) {
    throw new WskError(
      `Invalid field filter '${field}'.`,
      unknownFieldIsUsage ? EXIT.usage : EXIT.general,
      unknownFieldIsUsage,
    );
  }
  ctx.ok(`got ${type} ${name}, displaying field ${field}`);
  ctx.output.out(json((entity as Record<string, unknown>)[field]));
}

/** A list row (packages, triggers): `/ns/name` padded to 70, then shared|private. */
function publishRow(e: Entity): string {
  return `${`/${e.namespace}/${e.name}`.padEnd(70)} ${e.publish ? 'shared' : 'private'}\n`;
}

/** `-a`/`-p` as sent: omitted when not given, so an update keeps the stored ones (Go's omitempty). */
export function kvFields(ctx: CommandContext): { annotations?: KeyValue[]; parameters?: KeyValue[] } {
  const annotations = ctx.annotationList();
  const parameters = ctx.paramList();
  return { ...(annotations && { annotations }), ...(parameters && { parameters }) };
}

/** Help for the `-p`/`-P` flags, which the CLI takes out before commander sees the arguments. */
export const PARAM_HELP =
  '\n  -p, --param KEY VALUE   parameter values\n  -P, --param-file FILE   parameters in JSON';
/** PARAM_HELP and the `-a`/`-A` flags. */
export const KV_HELP = `${PARAM_HELP}\n  -a, --annotation KEY VALUE\n  -A, --annotation-file FILE`;

/** `list [NAMESPACE]` for packages, triggers and rules: `/ns` only, an entity name is refused as upstream. */
export async function listCollection(
  ctx: CommandContext,
  collection: 'packages' | 'triggers' | 'rules',
  args: unknown[],
): Promise<Entity[]> {
  const cmd = commandOf(args);
  const [given] = args as [string | undefined];
  const o = cmd.opts<{ limit: number; skip: number; nameSort?: boolean }>();
  const client = ctx.client(cmd);
  let ns = client.settings.namespace;
  if (given) {
    const q = parseQualifiedName(given.startsWith('/') ? given : `/${given}`, ns);
    if (q.entityName) {
      throw new WskError(
        `An entity name, '${q.entityName}', was provided instead of a namespace. Valid namespaces are of the following format: /NAMESPACE.`,
        EXIT.general,
        true,
      );
    }
    ns = q.namespace;
  }
  const res = await attempt(
    `Unable to obtain the list of ${collection} for namespace '${displayNamespace(ns)}'`,
    async () =>
      expectOk(
        await client.request('GET', apiPath('namespaces', ns, collection), {
          query: { limit: o.limit, skip: o.skip },
        }),
      ),
  );
  const rows = Array.isArray(res.body) ? (res.body as Entity[]) : [];
  if (o.nameSort) sortByName(rows);
  return rows;
}

/** `--name-sort`: by `namespace/name`. */
export function sortByName(rows: Entity[]): void {
  rows.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/** `--skip`, `--limit`, `--name-sort` on a list command. */
export function listOptions(cmd: Command, what: string): Command {
  return cmd
    .option('-s, --skip <SKIP>', `exclude the first SKIP number of ${what} from the result`, intOption, 0)
    .option('-l, --limit <LIMIT>', `only return LIMIT number of ${what} from the collection`, intOption, 30)
    .option('-n, --name-sort', 'sorts a list alphabetically by entity name');
}

/** `<group> list [NAMESPACE]` for packages and triggers: the collection's name, then a publishRow each. */
export function registerPublishList(
  group: Command,
  ctx: CommandContext,
  collection: 'packages' | 'triggers',
): void {
  listOptions(group.command('list [NAMESPACE]').description(`list all ${collection}`), collection).action(
    async (...args: unknown[]) => {
      const rows = await listCollection(ctx, collection, args);
      ctx.output.out(`${collection}\n${rows.map(publishRow).join('')}`);
    },
  );
}
