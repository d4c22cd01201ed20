/** `wsk property set|unset|get`: the `.wskprops` file. */
import type { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { commandOf } from '../context.ts';
import { because, WskError } from '../errors.ts';
import { apiBase, readProps, writeProps } from '../props.ts';
import { listNamespaces } from './namespace.ts';

const CLI_VERSION = '2021-04-01T00:00:00.000+0000 (owctl)';

function set(ctx: CommandContext, args: unknown[]): void {
  const cmd = commandOf(args);
  const o = cmd.opts<{ apihost?: string; auth?: string; namespace?: string; apiversion?: string }>();
  const path = ctx.settings(cmd).propsFile;
  const props = readProps(path);
  const lines: string[] = [];
  if (o.auth) {
    props.set('AUTH', o.auth);
    lines.push("ok: whisk auth set. Run 'wsk property get --auth' to see the new value.");
  }
  if (o.apihost) {
    try {
      apiBase(o.apihost);
    } catch (err) {
      throw new WskError(
        `Unable to set API host value; the API host value '${o.apihost}' is invalid: ${(err as Error).message}`,
      );
    }
    props.set('APIHOST', o.apihost);
    lines.push(`ok: whisk API host set to ${o.apihost}`);
  }
  if (o.apiversion) {
    props.set('APIVERSION', o.apiversion);
    lines.push(`ok: whisk API version set to ${o.apiversion}`);
  }
  if (o.namespace) {
    props.set('NAMESPACE', o.namespace);
    lines.push(`ok: whisk namespace set to ${o.namespace}`);
  }
  writeProps(path, props);
  ctx.output.out(lines.map((l) => `${l}\n`).join(''));
}

function unset(ctx: CommandContext, args: unknown[]): void {
  const cmd = commandOf(args);
  const o = cmd.opts<{ apihost?: boolean; auth?: boolean; namespace?: boolean; apiversion?: boolean }>();
  const path = ctx.settings(cmd).propsFile;
  const props = readProps(path);
  let text = '';
  if (o.auth) {
    props.delete('AUTH');
    text += 'ok: whisk auth unset.\n';
  }
  if (o.apihost) {
    props.delete('APIHOST');
    text += 'ok: whisk API host unset.\n';
  }
  if (o.namespace) {
    props.delete('NAMESPACE');
    text += 'ok: whisk namespace unset.\n';
  }
  if (o.apiversion) {
    props.delete('APIVERSION');
    text += 'ok: whisk API version unset; the default value of v1 will be used.\n';
  }
  writeProps(path, props);
  ctx.output.out(text);
}

type GetFlags = Partial<
  Record<
    'apihost' | 'auth' | 'namespace' | 'apiversion' | 'cliversion' | 'apibuild' | 'apibuildno' | 'all',
    boolean
  >
> & { output: string };

async function get(ctx: CommandContext, args: unknown[]): Promise<void> {
  const cmd = commandOf(args);
  const o = cmd.opts<GetFlags>();
  if (o.output !== 'std' && o.output !== 'raw') throw new WskError('Supported output format are std|raw');
  const raw = o.output === 'raw';
  const selected = [
    'apihost',
    'auth',
    'namespace',
    'apiversion',
    'cliversion',
    'apibuild',
    'apibuildno',
  ] as const;
  const all = o.all || !selected.some((k) => o[k]);
  if (all && raw) throw new WskError('--output|-o raw only supported with specific property type');
  const settings = ctx.settings(cmd);
  const line = (label: string, value: string, tabs = '\t\t') =>
    ctx.output.out(raw ? `${value}\n` : `${label}${tabs}${value}\n`);

  const namespace = async () => {
    if (settings.namespace !== '_') return settings.namespace;
    try {
      return (await listNamespaces(ctx.client(cmd)))[0] ?? '_';
    } catch {
      return '_';
    }
  };
  if (all || o.apihost) line('whisk API host', settings.apihost);
  if (all || o.auth) line('whisk auth', settings.auth);
  if (all || o.namespace) line('whisk namespace', await namespace());
  if (all) {
    line('client cert', '');
    line('Client key', '');
  }
  if (all || o.apiversion) line('whisk API version', settings.apiversion, '\t');
  if (all || o.cliversion) line('whisk CLI version', CLI_VERSION, '\t');
  if (all || o.apibuild || o.apibuildno) {
    let info: { build?: string; buildno?: string } = {};
    let failure: unknown;
    try {
      const res = await ctx.client(cmd).request('GET', '');
      if (res.status !== 200) throw new WskError(`the API host answered ${res.status}`);
      info = res.body as typeof info;
    } catch (err) {
      failure = err;
    }
    if (all || o.apibuild) line('whisk API build', info.build ?? 'Unknown');
    if (all || o.apibuildno) line('whisk API build number', info.buildno ?? 'Unknown', '\t');
    if (failure) throw because('Unable to obtain API build information', failure);
  }
}

export function register(program: Command, ctx: CommandContext): void {
  const property = program.command('property').description('work with whisk properties');
  property
    .command('set')
    .description('set property')
    .option('--apihost <HOST>', 'whisk API HOST')
    .option('-u, --auth <KEY>', 'authorization KEY')
    .option('--namespace <NAMESPACE>', 'default whisk NAMESPACE')
    .option('--apiversion <VERSION>', 'whisk API VERSION')
    .action((...args: unknown[]) => set(ctx, args));
  property
    .command('unset')
    .description('unset property')
    .option('--apihost', 'whisk API host')
    .option('--auth', 'authorization key')
    .option('--namespace', 'whisk namespace')
    .option('--apiversion', 'whisk API version')
    .action((...args: unknown[]) => unset(ctx, args));
  property
    .command('get')
    .description('get property')
    .option('--apihost', 'whisk API host')
    .option('--auth', 'authorization key')
    .option('--namespace', 'whisk namespace')
    .option('--apiversion', 'whisk API version')
    .option('--cliversion', 'whisk CLI version')
    .option('--apibuild', 'whisk API build version')
    .option('--apibuildno', 'whisk API build number')
    .option('--all', 'all properties')
    .option('-o, --output <FORMAT>', 'Output format in std|raw', 'std')
    .action((...args: unknown[]) => get(ctx, args));
}
