/**
 * `owctl inventory`: what ansible-inventory shows, for owctl environments — groups, hosts and each
 * host's merged, validated variables — plus --explain to see which layer set a variable.
 *   owctl inventory -i local                   all groups and hostvars (YAML; --json for JSON)
 *   owctl inventory -i local --host localhost  one host's variables
 *   owctl inventory -i local --explain localhost limits.invocationsPerMinute
 * Secrets print as ******** unless --show-secrets.
 */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import {
  ConfigError,
  type Inventory,
  loadEnvironment,
  structuredName,
  toPrintable,
} from '../../engine/inventory/index.ts';
import { getPath } from '../../engine/inventory/vars.ts';

export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  setExitCode(code: number): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const defaultIO = (): CommandIO => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  setExitCode: (c) => {
    process.exitCode = c;
  },
  env: process.env,
  cwd: process.cwd(),
});

interface InventoryOptions {
  inventory: string;
  host?: string;
  explain?: string[];
  extraVars: string[];
  json?: boolean;
  showSecrets?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** ansible-inventory --list's shape: groups with direct hosts and children, vars under _meta.hostvars. */
export function inventoryList(inv: Inventory, showSecrets: boolean): Record<string, unknown> {
  const hostvars: Record<string, unknown> = {};
  for (const [name, host] of inv.hosts) hostvars[name] = toPrintable(host.vars, showSecrets);
  const out: Record<string, unknown> = { _meta: { hostvars } };
  for (const [group, members] of inv.groups) {
    const children = inv.children.get(group) ?? [];
    const viaChildren = new Set(children.flatMap((c) => inv.groups.get(c) ?? []));
    const hosts = members.filter((h) => !viaChildren.has(h));
    if (hosts.length === 0 && children.length === 0) continue;
    out[group] = {
      ...(hosts.length > 0 ? { hosts } : {}),
      ...(children.length > 0 ? { children } : {}),
    };
  }
  return out;
}

function hostVars(inv: Inventory, host: string, showSecrets: boolean): unknown {
  const h = inv.hosts.get(host);
  if (!h) {
    throw new ConfigError([
      `--host ${host}: no such host in environment ${inv.name}; its hosts are ${[...inv.hosts.keys()].join(', ')}`,
    ]);
  }
  return toPrintable(h.vars, showSecrets);
}

function explainText(inv: Inventory, host: string, name: string, showSecrets: boolean): string {
  const path = structuredName(name);
  const origins = inv.explain(host, path);
  if (origins.length === 0) {
    return `${path} is not set for ${host} by any layer (defaults, group_vars, host_vars, inventory, OW_DB_*, -e).\n`;
  }
  const width = Math.max(...origins.map((o) => o.source.length));
  const lines = origins.map((o, i) => {
    const value = JSON.stringify(toPrintable(o.value, showSecrets));
    return `  ${o.source.padEnd(width)}  ${value}${i === origins.length - 1 ? '   <- wins' : ''}`;
  });
  const final = JSON.stringify(toPrintable(getPath(inv.hosts.get(host)?.vars, path), showSecrets));
  return `${path} for host ${host} (lowest precedence first):\n${lines.join('\n')}\nvalue: ${final}\n`;
}

function run(opts: InventoryOptions, io: CommandIO): Promise<void> {
  const emit = (data: unknown) =>
    io.stdout(
      opts.json ? `${JSON.stringify(data, null, 2)}\n` : stringify(data, { aliasDuplicateObjects: false }),
    );
  return loadEnvironment(opts.inventory, { extraVars: opts.extraVars, env: io.env, cwd: io.cwd }).then(
    (inv) => {
      const show = opts.showSecrets === true;
      if (opts.explain) {
        const [host, path] = opts.explain;
        if (!host || !path || opts.explain.length !== 2) {
          throw new ConfigError([
            `--explain expects HOST VAR, e.g. --explain localhost limits.invocationsPerMinute`,
          ]);
        }
        if (opts.json) {
          const origins = inv
            .explain(host, path)
            .map((o) => ({ source: o.source, value: toPrintable(o.value, show) }));
          const value = toPrintable(getPath(inv.hosts.get(host)?.vars, structuredName(path)), show);
          emit({ host, var: structuredName(path), origins, value });
        } else io.stdout(explainText(inv, host, path, show));
      } else if (opts.host) emit(hostVars(inv, opts.host, show));
      else emit(inventoryList(inv, show));
    },
  );
}

export function registerInventoryCommand(program: Command, io: Partial<CommandIO> = {}): Command {
  const cio: CommandIO = { ...defaultIO(), ...io };
  return program
    .command('inventory')
    .description("show an environment's groups, hosts and merged variables (like ansible-inventory --list)")
    .requiredOption('-i, --inventory <env>', 'environment: a name under environments/ or a folder path')
    .option('--list', 'all groups and hosts with their variables (the default)')
    .option('--host <host>', "one host's variables")
    .option('--explain <host-and-var...>', 'HOST VAR: every layer that set VAR for HOST, lowest first')
    .option(
      '-e, --extra-vars <vars>',
      'set variables: key=value, @file.yml or JSON (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print JSON instead of YAML')
    .option('--show-secrets', 'print passwords and keys instead of ********')
    .action(async (opts: InventoryOptions) => {
      try {
        await run(opts, cio);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        cio.stderr(`${err.message}\n`);
        cio.setExitCode(1);
      }
    });
}
