/** `wsk package create|update|bind|get|list|delete`. */
import type { Command } from 'commander';
import { apiPath, expectOk } from '../client.ts';
import { type CommandContext, commandOf } from '../context.ts';
import { type Entity, entitySummary, KV_HELP, kvFields, registerPublishList, showEntity } from '../entity.ts';
import { attempt, EXIT, WskError } from '../errors.ts';
import { parseQualifiedName } from '../names.ts';

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

function packageSummary(pkg: PackageEntity): string {
  const base = `/${pkg.namespace}/${pkg.name}`;
  return [
    entitySummary('package', base, pkg),
    ...(pkg.actions ?? []).map((a) => entitySummary(' action', `${base}/${a.name}`, a)),
    ...(pkg.feeds ?? []).map((f) => entitySummary('feed   ', `${base}/${f.name}`, f)),
  ].join('');
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
  const pkg = res.body as PackageEntity;
  if (o.summary) ctx.output.out(packageSummary(pkg));
  else showEntity(ctx, 'package', q.entityName, pkg, field);
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
  registerPublishList(pkg, ctx, 'packages');
}
