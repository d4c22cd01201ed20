/** `wsk activation list|get|logs|result|poll`. */
import type { Command } from 'commander';
import type { Activation } from '../../../services/common/types.ts';
import { apiPath, expectOk, type WhiskClient } from '../client.ts';
import { type CommandContext, commandOf, intOption } from '../context.ts';
import { because, WskError } from '../errors.ts';
import { displayNamespace, parseQualifiedName } from '../names.ts';
import { goDuration, goTime, json, localDateTime, truncate } from '../output.ts';

type ActivationRow = Partial<Activation> & { statusCode?: number };

const STATUS_NAMES = ['success', 'application error', 'developer error', 'internal error'];
const STATUS_OF: Record<string, number> = {
  success: 0,
  'application error': 1,
  'action developer error': 2,
  'whisk internal error': 3,
};

/** Upstream lists activations under `_` whatever the default namespace. */
const ACTIVATIONS = apiPath('namespaces', '_', 'activations');

function annotation(a: ActivationRow, key: string): unknown {
  return a.annotations?.find((kv) => kv.key === key)?.value;
}

function statusName(a: ActivationRow): string {
  const code = typeof a.statusCode === 'number' ? a.statusCode : STATUS_OF[a.response?.status ?? 'success'];
  return STATUS_NAMES[code ?? 0] ?? STATUS_NAMES[0]!;
}

/** The activation table, column widths as upstream computes them. */
export function activationTable(rows: ActivationRow[]): string {
  const kindOf = (a: ActivationRow) => String(annotation(a, 'kind') ?? 'unknown');
  const kindWidth = Math.max(4, ...rows.map((a) => kindOf(a).length));
  const statusWidth = Math.max(6, ...rows.map((a) => statusName(a).length));
  if (rows.length === 0) return '\n';
  const header = `${'Datetime'.padEnd(19)} ${'Activation ID'.padEnd(32)} ${'Kind'.padEnd(kindWidth)} ${'Start'.padEnd(6)}${'Duration'.padEnd(10)} ${'Status'.padEnd(statusWidth)} ${'Entity'.padEnd(6)}\n`;
  const lines = rows.map((a) => {
    const start = annotation(a, 'initTime') === undefined ? 'warm' : 'cold';
    const duration = a.duration ? goDuration((a.end ?? 0) - (a.start ?? 0)) : '0s';
    const fqn = `${truncate(a.namespace ?? '', 20)}/${truncate(a.name ?? '', 30)}:${truncate(a.version ?? '', 20)}`;
    return `${localDateTime(a.start ?? 0)} ${(a.activationId ?? '').padEnd(32)} ${kindOf(a).padEnd(kindWidth)} ${start.padEnd(5)} ${duration.padEnd(10)} ${statusName(a).padEnd(statusWidth)} ${fqn}\n`;
  });
  return header + lines.join('');
}

async function listActivations(
  client: WhiskClient,
  query: Record<string, string | number | boolean | undefined>,
) {
  const res = expectOk(await client.request('GET', ACTIVATIONS, { query }));
  return Array.isArray(res.body) ? (res.body as ActivationRow[]) : [];
}

/** `--last` means "the most recent activation" in place of an id. */
async function resolveId(
  client: WhiskClient,
  id: string | undefined,
  last: boolean | undefined,
): Promise<string> {
  if (last) {
    const [latest] = await listActivations(client, { limit: 1, skip: 0 });
    if (!latest?.activationId)
      throw new WskError('Activation list does not contain any activations.', 1, true);
    return latest.activationId;
  }
  if (!id) throw new WskError('Invalid argument(s). An activation ID is required.', 1, true);
  return id;
}

async function list(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name] = args as [string | undefined];
  const o = cmd.opts<{ limit: number; skip: number; since?: number; upto?: number; full?: boolean }>();
  const client = ctx.client(cmd);
  const q = name ? parseQualifiedName(name, client.settings.namespace) : undefined;
  let rows: ActivationRow[];
  try {
    rows = await listActivations(client, {
      name: q?.entityName || undefined,
      limit: o.limit,
      skip: o.skip,
      since: o.since,
      upto: o.upto,
      docs: o.full || undefined,
    });
  } catch (err) {
    throw because(
      `Unable to obtain the list of activations for namespace '${displayNamespace(client.settings.namespace)}'`,
      err,
    );
  }
  if (o.full) ctx.output.out(`activations\n${rows.map((r) => json(r)).join('')}`);
  else ctx.output.out(activationTable(rows));
}

async function get(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [given, field] = args as [string | undefined, string | undefined];
  const o = cmd.opts<{ last?: boolean; summary?: boolean; logs?: boolean }>();
  const client = ctx.client(cmd);
  // With --last a single positional argument is the field filter.
  const [idArg, fieldArg] = o.last ? [undefined, given ?? field] : [given, field];
  let id: string;
  let activation: ActivationRow;
  try {
    id = await resolveId(client, idArg, o.last);
    activation = expectOk(await client.request('GET', apiPath(ACTIVATIONS, id))).body as ActivationRow;
  } catch (err) {
    throw because(`Unable to get activation${idArg ? ` '${idArg}'` : ''}`, err);
  }
  if (o.summary) {
    ctx.output.out(
      `activation result for '/${activation.namespace}/${activation.name}' (${activation.response?.status} at ${goTime(activation.end ?? 0)})\n`,
    );
    ctx.output.out(json(activation.response?.result));
  } else if (o.logs) {
    ctx.output.out((activation.logs ?? []).map((l) => `${stripTimestamp(l)}\n`).join(''));
  } else if (fieldArg) {
    if (!(fieldArg in activation)) throw new WskError(`Invalid field filter '${fieldArg}'.`, 1);
    ctx.ok(`got activation ${id}, displaying field ${fieldArg}`);
    ctx.output.out(json((activation as Record<string, unknown>)[fieldArg]));
  } else {
    ctx.ok(`got activation ${id}`);
    ctx.output.out(json(activation));
  }
}

/** `2024-01-01T00:00:00.000Z stdout: msg` → `msg`. */
export function stripTimestamp(line: string): string {
  const m = /\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-6]\d:[0-6]\d.\d+Z( *(stdout|stderr):)?\s(.*)/.exec(line);
  return m?.[3] ? m[3] : line;
}

async function logs(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [given] = args as [string | undefined];
  const o = cmd.opts<{ last?: boolean; strip?: boolean }>();
  const client = ctx.client(cmd);
  let lines: string[];
  try {
    const id = await resolveId(client, given, o.last);
    const body = expectOk(await client.request('GET', apiPath(ACTIVATIONS, id, 'logs'))).body as {
      logs?: string[];
    };
    lines = body.logs ?? [];
  } catch (err) {
    throw because(`Unable to get logs for activation${given ? ` '${given}'` : ''}`, err);
  }
  ctx.output.out(lines.map((l) => `${o.strip ? stripTimestamp(l) : l}\n`).join(''));
}

async function result(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [given] = args as [string | undefined];
  const o = cmd.opts<{ last?: boolean }>();
  const client = ctx.client(cmd);
  let response: { result?: unknown };
  try {
    const id = await resolveId(client, given, o.last);
    response = expectOk(await client.request('GET', apiPath(ACTIVATIONS, id, 'result'))).body as {
      result?: unknown;
    };
  } catch (err) {
    throw because(`Unable to get result for activation${given ? ` '${given}'` : ''}`, err);
  }
  ctx.output.out(json(response.result));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const [name] = args as [string | undefined];
  const o = cmd.opts<{
    exit?: number;
    sinceSeconds?: number;
    sinceMinutes?: number;
    sinceHours?: number;
    sinceDays?: number;
    interval: number;
  }>();
  const client = ctx.client(cmd);
  ctx.output.out('Enter Ctrl-c to exit.\n');
  const back =
    (o.sinceSeconds ?? 0) * 1e3 +
    (o.sinceMinutes ?? 0) * 6e4 +
    (o.sinceHours ?? 0) * 3.6e6 +
    (o.sinceDays ?? 0) * 8.64e7;
  let since = Date.now() - back;
  if (back === 0) {
    // Start after the newest activation so old ones are not replayed.
    const latest = await listActivations(client, { limit: 1, docs: true }).catch(() => []);
    if (latest[0]?.start) since = latest[0].start + 1;
  }
  ctx.output.out('Polling for activation logs\n');
  const reported = new Set<string>();
  const started = Date.now();
  for (;;) {
    if (o.exit && o.exit > 0 && Date.now() - started > o.exit * 1000) return;
    const rows = await listActivations(client, { name, since, docs: true, limit: 0, skip: 0 }).catch(
      () => [],
    );
    for (const a of rows) {
      if (!a.activationId || reported.has(a.activationId)) continue;
      ctx.output.out(`\nActivation: '${a.name}' (${a.activationId})\n${json(a.logs ?? [])}`);
      reported.add(a.activationId);
      if ((a.start ?? 0) > since) since = (a.start ?? 0) + 1;
    }
    await sleep(o.interval);
  }
}

export function register(program: Command, ctx: CommandContext): void {
  const activation = program.command('activation').description('work with activations');
  activation
    .command('list [NAMESPACE_OR_NAME]')
    .description('list activations')
    .option('-s, --skip <SKIP>', 'exclude the first SKIP number of activations from the result', intOption, 0)
    .option('-l, --limit <LIMIT>', 'only return LIMIT number of activations (max 200)', intOption, 30)
    .option('-f, --full', 'include full activation description')
    .option('--upto <UPTO>', 'return activations with timestamps earlier than UPTO (epoch ms)', intOption)
    .option('--since <SINCE>', 'return activations with timestamps later than SINCE (epoch ms)', intOption)
    .action((...args: unknown[]) => list(ctx, args));
  activation
    .command('get [ACTIVATION_ID] [FIELD_FILTER]')
    .description('get activation')
    .option('-s, --summary', 'summarize activation details')
    .option('-l, --last', 'retrieves the last activation')
    .option('-g, --logs', 'emit only the logs, stripped of time stamps and stream identifier')
    .action((...args: unknown[]) => get(ctx, args));
  activation
    .command('logs [ACTIVATION_ID]')
    .description('get the logs of an activation')
    .option('-l, --last', 'retrieves the last activation')
    .option('-r, --strip', 'strip timestamp and stream information')
    .action((...args: unknown[]) => logs(ctx, args));
  activation
    .command('result [ACTIVATION_ID]')
    .description('get the result of an activation')
    .option('-l, --last', 'retrieves the last activation')
    .action((...args: unknown[]) => result(ctx, args));
  activation
    .command('poll [NAMESPACE_OR_NAME]')
    .description('poll continuously for log messages from currently running actions')
    .option('-e, --exit <SECONDS>', 'stop polling after SECONDS seconds', intOption)
    .option('--since-seconds <SECONDS>', 'start polling for activations SECONDS seconds ago', intOption)
    .option('--since-minutes <MINUTES>', 'start polling for activations MINUTES minutes ago', intOption)
    .option('--since-hours <HOURS>', 'start polling for activations HOURS hours ago', intOption)
    .option('--since-days <DAYS>', 'start polling for activations DAYS days ago', intOption)
    .option('--interval <MS>', 'milliseconds between polls', intOption, 2000)
    .action((...args: unknown[]) => poll(ctx, args));
}
