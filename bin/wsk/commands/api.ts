/**
 * `wsk api create|get|list|delete` against the controller's /namespaces/{ns}/apis endpoint; the
 * gateway serves each route at `{apihost}/api/{namespace}{basePath}{relPath}`.
 */
import type { Command } from 'commander';
import { apiPath, expectOk, type WhiskClient } from '../client.ts';
import { type CommandContext, commandOf } from '../context.ts';
import { attempt, usageError } from '../errors.ts';
import { fullyQualify } from '../names.ts';
import { json } from '../output.ts';

interface ApiRouteRow {
  relPath: string;
  operation: string;
  action: string;
  responseType: string;
}

interface ApiDoc {
  namespace: string;
  basePath: string;
  apiName: string;
  routes: ApiRouteRow[];
}

const APIS = (client: WhiskClient) => apiPath('namespaces', client.settings.namespace, 'apis');
const routeUrl = (client: WhiskClient, doc: ApiDoc, relPath: string) =>
  `${client.apiBase}/${doc.namespace}${doc.basePath}${relPath === '/' ? '' : relPath}`;

async function create(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const positional = (args.slice(0, -2) as (string | undefined)[]).filter(
    (a): a is string => a !== undefined,
  );
  if (positional.length < 3) {
    throw usageError('Invalid argument(s). An API path, an API verb, and an action name are required.');
  }
  const [basePath, relPath, verb, action] = (positional.length === 3 ? ['/', ...positional] : positional) as [
    string,
    string,
    string,
    string,
  ];
  const o = cmd.opts<{ responseType: string; apiname?: string }>();
  const client = ctx.client(cmd);
  const body = {
    basePath: basePath === '/' ? `/${relPath.split('/').filter(Boolean)[0] ?? ''}` : basePath,
    relPath: basePath === '/' ? `/${relPath.split('/').filter(Boolean).slice(1).join('/')}` : relPath,
    operation: verb.toUpperCase(),
    action: fullyQualify(action, client.settings.namespace),
    responseType: o.responseType,
    ...(o.apiname && { apiName: o.apiname }),
  };
  const res = await attempt('Unable to create API', async () =>
    expectOk(await client.request('PUT', APIS(client), { body })),
  );
  const doc = res.body as ApiDoc;
  ctx.ok(
    `created API ${basePath === '/' ? '' : basePath}${relPath} ${body.operation} for action ${body.action}`,
  );
  ctx.output.out(`${routeUrl(client, doc, body.relPath)}\n`);
}

async function fetchApis(client: WhiskClient, basePath?: string): Promise<ApiDoc[]> {
  const res = expectOk(await client.request('GET', APIS(client), { query: { basepath: basePath } }));
  return Array.isArray(res.body) ? (res.body as ApiDoc[]) : [];
}

async function get(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [basePath] = args as [string];
  const client = ctx.client(cmd);
  const docs = await attempt('Unable to get API', () => fetchApis(client, basePath));
  if (docs.length === 0) throw usageError(`Unable to get API '${basePath}': API does not exist`);
  ctx.output.out(json(docs[0]));
}

async function list(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [basePath, relPath, verb] = args as [string | undefined, string | undefined, string | undefined];
  const client = ctx.client(cmd);
  const docs = await attempt('Unable to obtain the API list', () => fetchApis(client, basePath));
  const line = (a: string, v: string, n: string, u: string) =>
    `${a.padEnd(30)} ${v.padStart(7)} ${n.padStart(20)}  ${u}\n`;
  const rows = docs.flatMap((d) =>
    d.routes
      .filter((r) => (!relPath || r.relPath === relPath) && (!verb || r.operation === verb.toUpperCase()))
      .map((r) => line(r.action, r.operation.toLowerCase(), d.apiName, routeUrl(client, d, r.relPath))),
  );
  ctx.ok('APIs');
  ctx.output.out(line('Action', 'Verb', 'API Name', 'URL') + rows.join(''));
}

async function remove(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [basePath, relPath, verb] = args as [string, string | undefined, string | undefined];
  const client = ctx.client(cmd);
  await attempt(`Unable to delete API`, async () =>
    expectOk(
      await client.request('DELETE', APIS(client), {
        query: { basepath: basePath, relpath: relPath, operation: verb?.toUpperCase() },
      }),
    ),
  );
  if (relPath && verb) ctx.ok(`deleted ${relPath} ${verb.toUpperCase()} from ${basePath}`);
  else if (relPath) ctx.ok(`deleted ${relPath} from ${basePath}`);
  else ctx.ok(`deleted API ${basePath}`);
}

export function register(program: Command, ctx: CommandContext): void {
  const api = program.command('api').description('work with APIs');
  api
    .command('create [BASE_PATH] [API_PATH] [API_VERB] [ACTION]')
    .description('create a new API')
    .option(
      '-n, --apiname <API_NAME>',
      'Friendly name of the API; ignored when CFG_FILE is specified (default BASE_PATH)',
    )
    .option(
      '--response-type <TYPE>',
      'Set the web action response TYPE. Possible values are html, http, json, text, svg',
      'json',
    )
    .action((...args: unknown[]) => create(ctx, args));
  api
    .command('get <BASE_PATH_OR_API_NAME>')
    .description('get API details')
    .action((...args: unknown[]) => get(ctx, args));
  api
    .command('list [BASE_PATH_OR_API_NAME] [API_PATH] [API_VERB]')
    .description('list APIs')
    .action((...args: unknown[]) => list(ctx, args));
  api
    .command('delete <BASE_PATH_OR_API_NAME> [API_PATH] [API_VERB]')
    .description('delete an API')
    .action((...args: unknown[]) => remove(ctx, args));
}
