/**
 * `wsk trigger create|update|get|list|delete|fire`. A trigger with `--feed` is configured by
 * invoking the feed action blocking with `lifecycleEvent`, `triggerName` and `authKey` (CREATE on
 * create, DELETE on delete), as upstream; a failed CREATE removes the trigger again.
 */
import type { Command } from 'commander';
import type { KeyValue } from '../../../services/common/types.ts';
import { apiPath, expectOk, serverError, type WhiskClient } from '../client.ts';
import { type CommandContext, commandOf } from '../context.ts';
import { entitySummary, KV_HELP, kvFields, PARAM_HELP, registerPublishList, showEntity } from '../entity.ts';
import { attempt, because, WskError } from '../errors.ts';
import { parseQualifiedName, type QualifiedName } from '../names.ts';
import { json, sortKeys } from '../output.ts';

interface TriggerEntity {
  namespace?: string;
  name?: string;
  annotations?: KeyValue[];
  parameters?: KeyValue[];
}

const triggerPath = (q: QualifiedName) => apiPath('namespaces', q.namespace, 'triggers', q.entityName);

async function fetchTrigger(
  client: WhiskClient,
  q: QualifiedName,
): Promise<TriggerEntity & Record<string, unknown>> {
  return expectOk(await client.request('GET', triggerPath(q))).body as TriggerEntity &
    Record<string, unknown>;
}

function feedOf(t: TriggerEntity): string | undefined {
  const feed = t.annotations?.find((a) => a.key === 'feed')?.value;
  return typeof feed === 'string' && feed ? feed : undefined;
}

/** Invokes the feed action blocking; prints upstream's `ok: invoked …` and the activation. */
async function invokeFeed(
  ctx: CommandContext,
  client: WhiskClient,
  feed: string,
  trigger: QualifiedName,
  lifecycleEvent: 'CREATE' | 'DELETE',
): Promise<void> {
  const f = parseQualifiedName(feed, client.settings.namespace);
  const params = {
    ...(ctx.params() ?? {}),
    lifecycleEvent,
    triggerName: `/${trigger.namespace}/${trigger.entityName}`,
    authKey: client.settings.auth,
  };
  const res = await client.request('POST', apiPath('namespaces', f.namespace, 'actions', f.entityName), {
    query: { blocking: true },
    body: params,
  });
  const activation = res.body as { activationId?: string; response?: { result?: { error?: unknown } } };
  const header = `ok: invoked /${f.namespace}/${f.entityName} with id ${activation?.activationId ?? ''}\n`;
  if (res.status === 200) {
    ctx.output.out(`${header}${json(sortKeys(res.body))}`);
    return;
  }
  if (res.status === 502 && activation?.activationId) ctx.output.err(`${header}${json(sortKeys(res.body))}`);
  const reason =
    res.status === 502
      ? String(activation?.response?.result?.error ?? 'the feed action failed')
      : serverError(res).message;
  throw new WskError(`Unable to configure feed '${feed}': ${reason}`, res.status - 256);
}

async function createOrUpdate(ctx: CommandContext, update: boolean, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name] = args as [string];
  const { feed } = cmd.opts<{ feed?: string }>();
  const client = ctx.client(cmd);
  const q = parseQualifiedName(name, client.settings.namespace);
  const fields = kvFields(ctx);
  let annotations = fields.annotations;
  let feedName: string | undefined;
  if (feed) {
    const f = parseQualifiedName(feed, client.settings.namespace);
    feedName = `/${f.namespace}/${f.entityName}`;
    annotations = [...(annotations ?? []).filter((a) => a.key !== 'feed'), { key: 'feed', value: feedName }];
  }
  // With a feed, the parameters go to the feed action, not to the trigger.
  const body = {
    name: q.entityName,
    ...(annotations && { annotations }),
    ...(!feedName && fields.parameters && { parameters: fields.parameters }),
  };
  const verb = update ? 'update' : 'create';
  await attempt(`Unable to ${verb} trigger '${q.entityName}'`, async () =>
    expectOk(await client.request('PUT', triggerPath(q), { query: { overwrite: update }, body })),
  );
  if (feedName) {
    try {
      await invokeFeed(ctx, client, feedName, q, 'CREATE');
    } catch (err) {
      await client.request('DELETE', triggerPath(q)).catch(() => undefined);
      throw because(`Unable to ${verb} trigger '${q.entityName}'`, err);
    }
  }
  ctx.ok(`${update ? 'updated' : 'created'} trigger ${q.entityName}`);
}

async function fire(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name] = args as [string];
  const client = ctx.client(cmd);
  const q = parseQualifiedName(name, client.settings.namespace);
  const res = await attempt(`Unable to fire trigger '${q.entityName}'`, async () =>
    expectOk(await client.request('POST', triggerPath(q), { body: ctx.params() ?? {} })),
  );
  const id = (res.body as { activationId?: string } | undefined)?.activationId ?? '';
  ctx.ok(`triggered /${q.namespace}/${q.entityName} with id ${id}`);
}

async function get(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name, field] = args as [string, string | undefined];
  const client = ctx.client(cmd);
  const q = parseQualifiedName(name, client.settings.namespace);
  const trigger = await attempt(`Unable to get trigger '${q.entityName}'`, () => fetchTrigger(client, q));
  if (cmd.opts<{ summary?: boolean }>().summary) {
    ctx.output.out(entitySummary('trigger', `/${trigger.namespace}/${trigger.name}`, trigger));
  } else showEntity(ctx, 'trigger', q.entityName, trigger, field);
}

async function remove(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name] = args as [string];
  const client = ctx.client(cmd);
  const q = parseQualifiedName(name, client.settings.namespace);
  const trigger = await attempt(`Unable to get trigger '${q.entityName}'`, () => fetchTrigger(client, q));
  const feed = feedOf(trigger);
  if (feed) {
    // As upstream, a feed that cannot be unconfigured does not keep the trigger alive.
    await invokeFeed(ctx, client, feed, q, 'DELETE').catch((err: Error) =>
      ctx.output.err(`error: ${err.message}\n`),
    );
  }
  await attempt(`Unable to delete trigger '${q.entityName}'`, async () =>
    expectOk(await client.request('DELETE', triggerPath(q))),
  );
  ctx.ok(`deleted trigger ${q.entityName}`);
}

export function register(program: Command, ctx: CommandContext): void {
  const trigger = program.command('trigger').description('work with triggers');
  trigger
    .command('create <TRIGGER_NAME>')
    .description('create new trigger')
    .option('-f, --feed <ACTION_NAME>', 'trigger feed ACTION_NAME')
    .addHelpText('after', KV_HELP)
    .action((...args: unknown[]) => createOrUpdate(ctx, false, args));
  trigger
    .command('update <TRIGGER_NAME>')
    .description('update an existing trigger, or create a trigger if it does not exist')
    .addHelpText('after', KV_HELP)
    .action((...args: unknown[]) => createOrUpdate(ctx, true, args));
  trigger
    .command('fire <TRIGGER_NAME>')
    .description('fire trigger event')
    .addHelpText('after', PARAM_HELP)
    .action((...args: unknown[]) => fire(ctx, args));
  trigger
    .command('get <TRIGGER_NAME> [FIELD_FILTER]')
    .description('get trigger')
    .option('-s, --summary', 'summarize trigger details')
    .action((...args: unknown[]) => get(ctx, args));
  trigger
    .command('delete <TRIGGER_NAME>')
    .description('delete trigger')
    .action((...args: unknown[]) => remove(ctx, args));
  registerPublishList(trigger, ctx, 'triggers');
}
