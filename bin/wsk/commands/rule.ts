/** `wsk rule create|update|enable|disable|status|get|list|delete`. */
import type { Command } from 'commander';
import { apiPath, expectOk, type WhiskClient } from '../client.ts';
import { type CommandContext, commandOf } from '../context.ts';
import { listCollection, listOptions, showEntity } from '../entity.ts';
import { attempt } from '../errors.ts';
import { fullyQualify, parseQualifiedName, type QualifiedName } from '../names.ts';

interface RuleEntity {
  namespace?: string;
  name?: string;
  publish?: boolean;
  status?: string;
}

const rulePath = (q: QualifiedName) => apiPath('namespaces', q.namespace, 'rules', q.entityName);

async function fetchRule(
  client: WhiskClient,
  q: QualifiedName,
): Promise<RuleEntity & Record<string, unknown>> {
  return expectOk(await client.request('GET', rulePath(q))).body as RuleEntity & Record<string, unknown>;
}

/** Runs `fn` with the client and the rule's qualified name from the first argument. */
function withRule(
  ctx: CommandContext,
  fn: (client: WhiskClient, q: QualifiedName, args: unknown[]) => Promise<void>,
) {
  return async (...args: unknown[]) => {
    const client = ctx.client(commandOf(args));
    await fn(client, parseQualifiedName(args[0] as string, client.settings.namespace), args);
  };
}

async function setStatus(client: WhiskClient, q: QualifiedName, status: 'active' | 'inactive') {
  expectOk(await client.request('POST', rulePath(q), { body: { status } }));
}

export function register(program: Command, ctx: CommandContext): void {
  const rule = program.command('rule').description('work with rules');
  for (const update of [false, true]) {
    const verb = update ? 'update' : 'create';
    rule
      .command(`${verb} <RULE_NAME> <TRIGGER_NAME> <ACTION_NAME>`)
      .description(
        update ? 'update an existing rule, or create a rule if it does not exist' : 'create new rule',
      )
      .action(
        withRule(ctx, async (client, q, args) => {
          const [, trigger, action] = args as [string, string, string];
          const body = {
            name: q.entityName,
            trigger: fullyQualify(trigger, client.settings.namespace),
            action: fullyQualify(action, client.settings.namespace),
          };
          await attempt(`Unable to ${verb} rule '${q.entityName}'`, async () =>
            expectOk(await client.request('PUT', rulePath(q), { query: { overwrite: update }, body })),
          );
          ctx.ok(`${update ? 'updated' : 'created'} rule ${q.entityName}`);
        }),
      );
  }
  for (const [verb, status] of [
    ['enable', 'active'],
    ['disable', 'inactive'],
  ] as const) {
    rule
      .command(`${verb} <RULE_NAME>`)
      .description(`${verb} rule`)
      .action(
        withRule(ctx, async (client, q) => {
          await attempt(`Unable to ${verb} rule '${q.entityName}'`, () => setStatus(client, q, status));
          ctx.ok(`${verb}d rule ${q.entityName}`);
        }),
      );
  }
  rule
    .command('status <RULE_NAME>')
    .description('get rule status')
    .action(
      withRule(ctx, async (client, q) => {
        const r = await attempt(`Unable to get status of rule '${q.entityName}'`, () => fetchRule(client, q));
        ctx.ok(`rule ${q.entityName} is ${r.status}`);
      }),
    );
  rule
    .command('get <RULE_NAME> [FIELD_FILTER]')
    .description('get rule')
    .option('-s, --summary', 'summarize rule details')
    .action(
      withRule(ctx, async (client, q, args) => {
        const field = args[1] as string | undefined;
        const r = await attempt(`Unable to get rule '${q.entityName}'`, () => fetchRule(client, q));
        if (commandOf(args).opts<{ summary?: boolean }>().summary) {
          ctx.output.out(`rule /${r.namespace}/${r.name}\n   (status: ${r.status})\n`);
        } else showEntity(ctx, 'rule', q.entityName, r, field);
      }),
    );
  rule
    .command('delete <RULE_NAME>')
    .description('delete rule')
    .option('--disable', 'automatically disable rule before deleting it')
    .action(
      withRule(ctx, async (client, q, args) => {
        if (commandOf(args).opts<{ disable?: boolean }>().disable) {
          await attempt(`Unable to disable rule '${q.entityName}'`, () => setStatus(client, q, 'inactive'));
        }
        await attempt(`Unable to delete rule '${q.entityName}'`, async () =>
          expectOk(await client.request('DELETE', rulePath(q))),
        );
        ctx.ok(`deleted rule ${q.entityName}`);
      }),
    );
  listOptions(rule.command('list [NAMESPACE]').description('list all rules'), 'rules').action(
    async (...args: unknown[]) => {
      const rows = (await listCollection(ctx, 'rules', args)) as RuleEntity[];
      // The list carries no status; upstream's CLI asks for each rule's.
      const client = ctx.client(commandOf(args));
      for (const r of rows) {
        const res = await client.request(
          'GET',
          apiPath('namespaces', r.namespace ?? '_', 'rules', r.name ?? ''),
        );
        r.status = (res.body as RuleEntity | undefined)?.status ?? '';
      }
      const line = (r: RuleEntity) =>
        `${`/${r.namespace}/${r.name}`.padEnd(70)} ${(r.publish ? 'shared' : 'private').padEnd(20)} ${r.status}\n`;
      ctx.output.out(`rules\n${rows.map(line).join('')}`);
    },
  );
}
