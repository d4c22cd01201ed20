/** `wsk namespace list|get`. */
import type { Command } from 'commander';
import { apiPath, expectOk, type WhiskClient } from '../client.ts';
import { type CommandContext, commandOf } from '../context.ts';
import { because } from '../errors.ts';
import { displayNamespace } from '../names.ts';
import { actionRow } from './action.ts';

export async function listNamespaces(client: WhiskClient): Promise<string[]> {
  const res = expectOk(await client.request('GET', 'namespaces'));
  return Array.isArray(res.body) ? res.body.map(String) : [];
}

async function list(ctx: CommandContext, args: unknown[]): Promise<void> {
  const client = ctx.client(commandOf(args));
  let names: string[];
  try {
    names = await listNamespaces(client);
  } catch (err) {
    throw because('Unable to obtain the list of available namespaces', err);
  }
  ctx.output.out(`namespaces\n${names.map((n) => `${n}\n`).join('')}`);
}

/** `namespace get` / `wsk list`: the entities of a namespace, one section per type. */
async function get(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [given] = args as [string | undefined];
  const client = ctx.client(cmd);
  const ns = (given ?? client.settings.namespace).replace(/^\//, '');
  const sections: string[] = [];
  try {
    for (const kind of ['packages', 'actions', 'triggers', 'rules']) {
      const res = expectOk(
        await client.request('GET', apiPath('namespaces', ns, kind), { query: { limit: 0 } }),
      );
      const rows = Array.isArray(res.body) ? (res.body as { namespace?: string; name?: string }[]) : [];
      const lines = rows.map((r) => (kind === 'actions' ? actionRow(r) : `/${r.namespace}/${r.name}\n`));
      sections.push(`${kind}\n${lines.join('')}`);
    }
  } catch (err) {
    throw because(`Unable to obtain the list of entities for namespace '${displayNamespace(ns)}'`, err);
  }
  ctx.output.out(`Entities in namespace: ${displayNamespace(ns)}\n${sections.join('')}`);
}

export function register(program: Command, ctx: CommandContext): void {
  const namespace = program.command('namespace').description('work with namespaces');
  namespace
    .command('list')
    .description('list available namespaces')
    .action((...args: unknown[]) => list(ctx, args));
  namespace
    .command('get [NAMESPACE]')
    .description('get triggers, actions, and rules in the registry for namespace')
    .action((...args: unknown[]) => get(ctx, args));
  program
    .command('list [NAMESPACE]')
    .description('list entities in the current namespace')
    .action((...args: unknown[]) => get(ctx, args));
}
