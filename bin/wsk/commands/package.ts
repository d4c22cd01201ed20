/** `wsk package create|update|bind|get|list|delete`. */
import type { Command } from 'commander';
import type { KeyValue } from '../../../services/common/types.ts';
import { apiPath, expectOk } from '../client.ts';
import { type CommandContext, commandOf, intOption } from '../context.ts';
import { attempt, EXIT, WskError } from '../errors.ts';
import { displayNamespace, parseQualifiedName } from '../names.ts';
import { json } from '../output.ts';

interface Entity {
  namespace?: string;
  name?: string;
  publish?: boolean;
  annotations?: KeyValue[];
  parameters?: KeyValue[];
}

interface PackageEntity extends Entity {
  actions?: Entity[];
  feeds?: Entity[];
}

/** `--shared yes|no`: undefined when not given. */
function parseShared(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  const v = value.toLowerCase();
  if (v === 'yes') return true;
  if (v === 'no') return false;
  throw new WskError(`Cannot use value '${value}' for shared.`, EXIT.general);
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

function packageSummary(pkg: PackageEntity): string {
  const base = `/${pkg.namespace}/${pkg.name}`;
  return [
    entitySummary('package', base, pkg),
    ...(pkg.actions ?? []).map((a) => entitySummary(' action', `${base}/${a.name}`, a)),
    ...(pkg.feeds ?? []).map((f) => entitySummary('feed   ', `${base}/${f.name}`, f)),
  ].join('');
}

/** A list row (packages, triggers): `/ns/name` padded to 70, then shared|private. */
export function publishRow(e: Entity): string {
  return `${`/${e.namespace}/${e.name}`.padEnd(70)} ${e.publish ? 'shared' : 'private'}\n`;
}

/** `-a`/`-p` as sent: omitted when not given, so an update keeps the stored ones (Go's omitempty). */
export function kvFields(ctx: CommandContext): { annotations?: KeyValue[]; parameters?: KeyValue[] } {
  const annotations = ctx.annotationList();
  const parameters = ctx.paramList();
  return { ...(annotations && { annotations }), ...(parameters && { parameters }) };
}

async function createOrUpdate(ctx: CommandContext, update: boolean, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name] = args as [string];
  const client = ctx.client(cmd);
  const q = parseQualifiedName(name, client.settings.namespace);
  const publish = parseShared(cmd.opts<{ shared?: string }>().shared);
  const body = {
    namespace: q.namespace,
    name: q.entityName,
    ...kvFields(ctx),
    ...(publish !== undefined && { publish }),
  };
  const context = update ? 'Package update failed' : `Unable to create package '${q.entityName}'`;
  await attempt(context, async () =>
    expectOk(
      await client.request('PUT', apiPath('namespaces', q.namespace, 'packages', q.entityName), {
        query: { overwrite: update },
        body,
      }),
    ),
  );
  ctx.ok(`${update ? 'updated' : 'created'} package ${q.entityName}`);
}

async function bind(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [packageName, bindingName] = args as [string, string];
  const client = ctx.client(cmd);
  const source = parseQualifiedName(packageName, client.settings.namespace);
  const target = parseQualifiedName(bindingName, client.settings.namespace);
  const body = {
    name: target.entityName,
    ...kvFields(ctx),
    binding: { namespace: source.namespace, name: source.entityName },
  };
  await attempt('Binding creation failed', async () =>
    expectOk(
      await client.request('PUT', apiPath('namespaces', target.namespace, 'packages', target.entityName), {
        query: { overwrite: false },
        body,
      }),
    ),
  );
  ctx.ok(`created binding ${bindingName}`);
}

async function get(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name, field] = args as [string, string | undefined];
  const o = cmd.opts<{ summary?: boolean }>();
  const client = ctx.client(cmd);
  const q = parseQualifiedName(name, client.settings.namespace);
  const res = await attempt(`Unable to get package '${q.entityName}'`, async () =>
    expectOk(await client.request('GET', apiPath('namespaces', q.namespace, 'packages', q.entityName))),
  );
  const pkg = res.body as PackageEntity & Record<string, unknown>;
  if (o.summary) {
    ctx.output.out(packageSummary(pkg));
  } else if (field) {
    if (!(field in pkg)) throw new WskError(`Invalid field filter '${field}'.`, EXIT.general);
    ctx.ok(`got package ${q.entityName}, displaying field ${field}`);
    ctx.output.out(json(pkg[field]));
  } else {
    ctx.ok(`got package ${q.entityName}`);
    ctx.output.out(json(pkg));
  }
}

async function remove(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name] = args as [string];
  const client = ctx.client(cmd);
  const q = parseQualifiedName(name, client.settings.namespace);
  await attempt(`Unable to delete package '${q.entityName}'`, async () =>
    expectOk(await client.request('DELETE', apiPath('namespaces', q.namespace, 'packages', q.entityName))),
  );
  ctx.ok(`deleted package ${q.entityName}`);
}

/** `list [NAMESPACE]` for packages and triggers: `/ns` only, an entity name is refused as upstream. */
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
  if (o.nameSort) rows.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  return rows;
}

/** `--skip`, `--limit`, `--name-sort` on a list command. */
export function listOptions(cmd: Command, what: string): Command {
  return cmd
    .option('-s, --skip <SKIP>', `exclude the first SKIP number of ${what} from the result`, intOption, 0)
    .option('-l, --limit <LIMIT>', `only return LIMIT number of ${what} from the collection`, intOption, 30)
    .option('-n, --name-sort', 'sorts a list alphabetically by entity name');
}

const KV_HELP =
  '\n  -p, --param KEY VALUE   parameter values\n  -P, --param-file FILE   parameters in JSON\n  -a, --annotation KEY VALUE\n  -A, --annotation-file FILE';

export function register(program: Command, ctx: CommandContext): void {
  const pkg = program.command('package').description('work with packages');
  for (const update of [false, true]) {
    pkg
      .command(`${update ? 'update' : 'create'} <PACKAGE_NAME>`)
      .description(
        update
          ? 'update an existing package, or create a package if it does not exist'
          : 'create a new package',
      )
      .option('--shared <SCOPE>', 'package visibility SCOPE; yes = shared, no = private')
      .addHelpText('after', KV_HELP)
      .action((...args: unknown[]) => createOrUpdate(ctx, update, args));
  }
  pkg
    .command('bind <PACKAGE_NAME> <BOUND_PACKAGE_NAME>')
    .description('bind parameters to a package')
    .addHelpText('after', KV_HELP)
    .action((...args: unknown[]) => bind(ctx, args));
  pkg
    .command('get <PACKAGE_NAME> [FIELD_FILTER]')
    .description('get package')
    .option('-s, --summary', 'summarize package details')
    .action((...args: unknown[]) => get(ctx, args));
  pkg
    .command('delete <PACKAGE_NAME>')
    .description('delete package')
    .action((...args: unknown[]) => remove(ctx, args));
  listOptions(pkg.command('list [NAMESPACE]').description('list all packages'), 'packages').action(
    async (...args: unknown[]) => {
      const rows = await listCollection(ctx, 'packages', args);
      ctx.output.out(`packages\n${rows.map(publishRow).join('')}`);
    },
  );
}
