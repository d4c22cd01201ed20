/** `wsk action create|update|invoke|get|delete|list`. */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ActionLimits, KeyValue } from '../../../services/common/types.ts';
import { type ApiResponse, apiPath, expectOk, serverError, type WhiskClient } from '../client.ts';
import { type CommandContext, commandOf, intOption } from '../context.ts';
import { entitySummary, KV_HELP, listOptions, showEntity, sortByName } from '../entity.ts';
import { attempt, because, EXIT, WskError } from '../errors.ts';
import { displayNamespace, parseQualifiedName, type QualifiedName } from '../names.ts';
import { json, sortKeys } from '../output.ts';
import { applyWebFlags, buildExec, type ExecOptions, isWebAction } from './action-exec.ts';

/** An action as the API returns it (fields are optional because lists omit some). */
interface ActionEntity {
  namespace?: string;
  name?: string;
  version?: string;
  publish?: boolean;
  exec?: { kind?: string; code?: string; binary?: boolean; image?: string };
  annotations?: KeyValue[];
  parameters?: KeyValue[];
  limits?: Partial<ActionLimits>;
}

interface CreateOptions extends ExecOptions {
  timeout?: number;
  memory?: number;
  logsize?: number;
  concurrency?: number;
  web?: string;
  webSecure?: string;
}

function actionPath(q: QualifiedName): string {
  return apiPath('namespaces', q.namespace, 'actions', q.entityName);
}

function limitsFrom(o: CreateOptions): Partial<ActionLimits> | undefined {
  const limits: Partial<ActionLimits> = {};
  if (o.timeout !== undefined) limits.timeout = o.timeout;
  if (o.memory !== undefined) limits.memory = o.memory;
  if (o.logsize !== undefined) limits.logs = o.logsize;
  if (o.concurrency !== undefined) limits.concurrency = o.concurrency;
  return Object.keys(limits).length ? limits : undefined;
}

async function fetchAction(client: WhiskClient, q: QualifiedName, code = false): Promise<ActionEntity> {
  const res = expectOk(await client.request('GET', actionPath(q), { query: { code } }));
  return res.body as ActionEntity;
}

async function createOrUpdate(ctx: CommandContext, update: boolean, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name, artifact] = args as [string, string | undefined];
  const o = cmd.opts<CreateOptions>();
  const client = ctx.client(cmd);
  const q = parseQualifiedName(name, client.settings.namespace);
  const exec = buildExec(artifact, o, client.settings.namespace, update);
  let existing: ActionEntity | undefined;
  if (update && (o.web !== undefined || o.webSecure !== undefined)) {
    try {
      existing = await fetchAction(client, q);
    } catch (err) {
      if (!(err instanceof WskError && err.exitCode === 404 - 256))
        throw because(`Unable to get action '${q.entityName}'`, err);
    }
  }
  const annotations = applyWebFlags(ctx.annotationList(), existing?.annotations, o.web, o.webSecure);
  const body = {
    namespace: q.namespace,
    name: q.entityName,
    ...(exec && { exec }),
    ...(annotations && { annotations }),
    ...(ctx.paramList() && { parameters: ctx.paramList() }),
    ...(limitsFrom(o) && { limits: limitsFrom(o) }),
  };
  await attempt(`Unable to create action '${q.entityName}'`, async () =>
    expectOk(await client.request('PUT', actionPath(q), { query: { overwrite: update }, body })),
  );
  ctx.ok(`${update ? 'updated' : 'created'} action ${q.entityName}`);
}

function activationId(body: unknown): string {
  return body && typeof body === 'object' && 'activationId' in body ? String(body.activationId) : '';
}

/** A 502 without an error `code` carries the failed activation (or its result): an application error. */
function isApplicationError(res: ApiResponse): boolean {
  return res.status === 502 && !!res.body && typeof res.body === 'object' && !('code' in res.body);
}

async function invoke(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name] = args as [string];
  const o = cmd.opts<{ blocking?: boolean; result?: boolean }>();
  const client = ctx.client(cmd);
  const q = parseQualifiedName(name, client.settings.namespace);
  const blocking = Boolean(o.blocking || o.result);
  const context = `Unable to invoke action '${q.entityName}'`;
  const res = await attempt(context, () =>
    client.request('POST', actionPath(q), {
      query: { blocking, result: Boolean(o.result) },
      body: ctx.params() ?? {},
    }),
  );
  const header = `ok: invoked /${q.namespace}/${q.entityName} with id `;
  if (blocking && res.status === 202) {
    ctx.output.err(
      `ok: invoked /${q.namespace}/${q.entityName}, but the request has not yet finished, with id ${activationId(res.body)}\n`,
    );
    throw new WskError('Request accepted, but processing not completed yet.', EXIT.timedOut, false, true);
  }
  if (blocking && isApplicationError(res)) {
    const id = activationId(res.body) || String(res.headers['x-openwhisk-activation-id'] ?? '');
    ctx.output.err(`${o.result ? '' : `${header}${id}\n`}${json(sortKeys(res.body))}`);
    throw new WskError('The action failed.', res.status - 256, false, true);
  }
  if (res.status < 200 || res.status > 299) throw because(context, serverError(res));
  if (o.result) {
    ctx.output.out(json(sortKeys(res.body)));
    return;
  }
  ctx.output.out(`${header}${activationId(res.body)}\n`);
  if (blocking) ctx.output.out(json(sortKeys(res.body)));
}

function actionUrl(client: WhiskClient, action: ActionEntity): string {
  const [ns, pkg] = (action.namespace ?? '_').split('/');
  const base = `${client.apiBase}/${client.settings.apiversion}`;
  if (isWebAction(action.annotations)) return `${base}/web/${ns}/${pkg ?? 'default'}/${action.name}`;
  return `${base}/namespaces/${ns}/actions/${pkg ? `${pkg}/` : ''}${action.name}`;
}

const SAVE_EXTENSIONS: Record<string, string> = {
  nodejs: '.js',
  python: '.py',
  swift: '.swift',
  php: '.php',
  ruby: '.rb',
  rust: '.rs',
  go: '.go',
};

function saveCode(ctx: CommandContext, action: ActionEntity, saveAs: string | undefined): void {
  const family = (action.exec?.kind ?? '').split(':')[0] ?? '';
  if (family === 'sequence') throw new WskError('Cannot save action sequences', EXIT.usage, true);
  if (family === 'blackbox' && !action.exec?.code)
    throw new WskError('Cannot save Docker images', EXIT.usage, true);
  const binary = action.exec?.binary === true;
  const ext = binary ? (family === 'java' ? '.jar' : '.zip') : (SAVE_EXTENSIONS[family] ?? '');
  const file = saveAs || `${action.name}${ext}`;
  if (existsSync(file)) throw new WskError(`The file '${file}' already exists`, EXIT.usage, true);
  const code = action.exec?.code ?? '';
  writeFileSync(file, binary ? Buffer.from(code, 'base64') : code);
  ctx.ok(`saved action code to ${resolve(file)}`);
}

async function get(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name, field] = args as [string, string | undefined];
  const o = cmd.opts<{ summary?: boolean; url?: boolean; save?: boolean; saveAs?: string }>();
  const client = ctx.client(cmd);
  const q = parseQualifiedName(name, client.settings.namespace);
  const save = Boolean(o.save || o.saveAs);
  const action = await attempt(`Unable to get action '${q.entityName}'`, () => fetchAction(client, q, save));
  if (o.url) {
    ctx.ok(`got action ${q.entity}`);
    ctx.output.out(`${actionUrl(client, action)}\n`);
  } else if (o.summary) {
    ctx.output.out(entitySummary('action', `/${action.namespace}/${action.name}`, action));
  } else if (save) {
    saveCode(ctx, action, o.saveAs);
  } else showEntity(ctx, 'action', q.entityName, action, field, true);
}

async function remove(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name] = args as [string];
  const client = ctx.client(cmd);
  const q = parseQualifiedName(name, client.settings.namespace);
  await attempt(`Unable to delete action '${q.entityName}'`, async () =>
    expectOk(await client.request('DELETE', actionPath(q))),
  );
  ctx.ok(`deleted action ${q.entityName}`);
}

export function actionRow(a: ActionEntity): string {
  const kind = a.annotations?.find((kv) => kv.key === 'exec')?.value ?? a.exec?.kind ?? '';
  return `${`/${a.namespace}/${a.name}`.padEnd(70)} ${a.publish ? 'shared' : 'private'} ${String(kind)}\n`;
}

async function list(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [target] = args as [string | undefined];
  const o = cmd.opts<{ limit: number; skip: number; nameSort?: boolean }>();
  const client = ctx.client(cmd);
  const q = target
    ? parseQualifiedName(target, client.settings.namespace)
    : { namespace: client.settings.namespace, entityName: '', packageName: '', entity: '' };
  const path = apiPath('namespaces', q.namespace, 'actions', q.entityName);
  const context = `Unable to obtain the list of actions for namespace '${displayNamespace(q.namespace)}'`;
  const res = await attempt(context, async () =>
    expectOk(
      await client.request('GET', q.entityName ? `${path}/` : path, {
        query: { limit: o.limit, skip: o.skip },
      }),
    ),
  );
  const actions = Array.isArray(res.body) ? (res.body as ActionEntity[]) : [];
  if (o.nameSort) sortByName(actions);
  ctx.output.out(`actions\n${actions.map(actionRow).join('')}`);
}

function addCreateOptions(cmd: Command): Command {
  return cmd
    .option('--kind <KIND>', 'the KIND of the action runtime (example: swift:default, nodejs:default)')
    .option('--main <MAIN>', 'the name of the action entry point')
    .option('--docker <IMAGE>', 'use provided docker image to run the action')
    .option('--native', 'treat ACTION as native action (zip file provides a compatible executable to run)')
    .option('--sequence', 'treat ACTION as comma separated sequence of actions to invoke')
    .option(
      '-t, --timeout <LIMIT>',
      'the timeout LIMIT in milliseconds after which the action is terminated',
      intOption,
    )
    .option('-m, --memory <LIMIT>', 'the maximum memory LIMIT in MB for the action', intOption)
    .option('-l, --logsize <LIMIT>', 'the maximum log size LIMIT in MB for the action', intOption)
    .option('-c, --concurrency <LIMIT>', 'the maximum intra-container concurrent activation LIMIT', intOption)
    .option(
      '--web <MODE>',
      'yes | true = web action, raw = raw HTTP web action, no | false = standard action',
    )
    .option('--web-secure <SECRET>', 'secure the web action: true, false, or any string')
    .addHelpText('after', KV_HELP);
}

export function register(program: Command, ctx: CommandContext): void {
  const action = program.command('action').description('work with actions');
  addCreateOptions(action.command('create <ACTION_NAME> [ACTION]').description('create a new action')).action(
    (...args: unknown[]) => createOrUpdate(ctx, false, args),
  );
  addCreateOptions(
    action
      .command('update <ACTION_NAME> [ACTION]')
      .description('update an existing action, or create it if it does not exist'),
  ).action((...args: unknown[]) => createOrUpdate(ctx, true, args));
  action
    .command('invoke <ACTION_NAME>')
    .description('invoke action')
    .option('-b, --blocking', 'blocking invoke')
    .option('-r, --result', 'blocking invoke; show only activation result (unless there is a failure)')
    .action((...args: unknown[]) => invoke(ctx, args));
  action
    .command('get <ACTION_NAME> [FIELD_FILTER]')
    .description('get action')
    .option('-s, --summary', 'summarize action details')
    .option('-r, --url', 'get action url')
    .option('--save', 'save action code to file corresponding with action name')
    .option('--save-as <FILE>', 'file to save action code to')
    .action((...args: unknown[]) => get(ctx, args));
  action
    .command('delete <ACTION_NAME>')
    .description('delete action')
    .action((...args: unknown[]) => remove(ctx, args));
  listOptions(
    action
      .command('list [NAMESPACE_OR_PACKAGE]')
      .description('list all actions in a namespace or actions contained in a package'),
    'actions',
  ).action((...args: unknown[]) => list(ctx, args));
}
