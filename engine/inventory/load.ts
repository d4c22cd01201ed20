/**
 * loadEnvironment: reads an environment folder (Ansible inventory + group_vars + host_vars), stacks
 * the variable layers per host in Ansible's precedence, resolves references, validates, and returns
 * the Inventory. Every problem found is reported at once in a ConfigError before anything runs.
 *
 * Precedence, low → high (dicts deep-merge, as Ansible's hash_behaviour=merge):
 *   defaults < group_vars/all < group_vars/<group> (parents first, siblings by name)
 *   < inventory group vars, then host-line vars < host_vars/<host> < OW_DB_* env < -e
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSecret } from '../secret.ts';
import { ConfigError, IssueCollector } from './errors.ts';
import { parseExtraVars } from './extra-vars.ts';
import { buildGroupGraph, type GroupGraph } from './groups.ts';
import { parseIniInventory } from './ini.ts';
import { EnvironmentInventory } from './inventory.ts';
import type { InventoryFile } from './inventory-file.ts';
import { dbEnvLayers, knobAliases, structureKnobs } from './knobs.ts';
import { resolveReferences } from './references.ts';
import { owConfigSchema } from './schema.ts';
import type { Host, Inventory } from './types.ts';
import { sourceOf, validateHostVars } from './validate.ts';
import { deepMerge, isPlainObject, mergeLayers, type VarLayer, type VarTree } from './vars.ts';
import { loadVarsLayers } from './vars-files.ts';
import { parseYamlInventory } from './yaml-inventory.ts';

export interface LoadOptions {
  /** Raw -e values: "k=v", "k.sub=v", "@file.yml" or a JSON object. */
  extraVars?: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ENVIRONMENTS_DIR = join(REPO_ROOT, 'environments');
const INVENTORY_FILES = ['hosts.yml', 'hosts.yaml', 'hosts', 'hosts.ini'];
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1)$/;

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** `envArg` is a name under environments/, a folder, or an inventory file inside a folder. */
function locateInventory(envArg: string, cwd: string): { dir: string; file: string } {
  const asPath = resolve(cwd, envArg);
  if (existsSync(asPath) && statSync(asPath).isFile()) return { dir: dirname(asPath), file: asPath };
  const looksLikePath = envArg.includes('/') || envArg.includes(sep) || envArg.startsWith('.');
  const candidates = looksLikePath ? [asPath] : [join(ENVIRONMENTS_DIR, envArg), asPath];
  const dir = candidates.find(isDir);
  if (!dir) {
    const available = isDir(ENVIRONMENTS_DIR)
      ? readdirSync(ENVIRONMENTS_DIR)
          .filter((n) => isDir(join(ENVIRONMENTS_DIR, n)))
          .sort()
      : [];
    throw new ConfigError([
      `environment "${envArg}" not found (looked for ${candidates.join(' and ')}); pass -i NAME for one of ${available.join(', ') || 'the folders under environments/'}, or -i PATH to a folder holding hosts.yml or an INI hosts file`,
    ]);
  }
  const file = INVENTORY_FILES.map((f) => join(dir, f)).find((f) => existsSync(f) && statSync(f).isFile());
  if (!file) {
    throw new ConfigError([
      `${relative(cwd, dir) || dir}: no inventory file; create hosts.yml (YAML: all: hosts: …) or hosts / hosts.ini (INI: [group] lines) in that folder`,
    ]);
  }
  return { dir, file };
}

/** "hosts" without extension is INI unless its first line looks like a YAML mapping key ("all:"). */
function looksLikeYaml(path: string, content: string): boolean {
  if (/\.ya?ml$/.test(path)) return true;
  if (path.endsWith('.ini')) return false;
  const first = content
    .split(/\r?\n/)
    .find((l) => l.trim() !== '' && !/^\s*[#;]/.test(l) && l.trim() !== '---');
  return first !== undefined && /^[^\s=[]+:\s*(#.*)?$/.test(first);
}

function parseInventoryFile(path: string, display: string): InventoryFile {
  const content = readFileSync(path, 'utf8');
  return looksLikeYaml(path, content)
    ? parseYamlInventory(content, path, display)
    : parseIniInventory(content, path, display);
}

/** Layers above the defaults for one host, each with flat knobs mapped to structured names. */
function hostLayers(
  host: string,
  graph: GroupGraph,
  inv: InventoryFile,
  display: string,
  groupVarsFiles: ReadonlyMap<string, VarLayer[]>,
  hostVarsFiles: VarLayer[],
  top: VarLayer[],
): VarLayer[] {
  const groups = graph.hostGroups.get(host)!;
  const inventoryGroupVars = groups
    .filter((g) => Object.keys(inv.groups.get(g)?.vars ?? {}).length > 0)
    .map((g) => ({ source: `${display} (group ${g})`, vars: inv.groups.get(g)!.vars }));
  const hostLine = inv.hostVars.get(host) ?? {};
  const layers: VarLayer[] = [
    ...groups.flatMap((g) => groupVarsFiles.get(g) ?? []),
    ...inventoryGroupVars,
    ...(Object.keys(hostLine).length > 0 ? [{ source: `${display} (host ${host})`, vars: hostLine }] : []),
    ...hostVarsFiles,
    ...top,
  ];
  return layers.map((l) => ({ source: l.source, vars: structureKnobs(l.vars) }));
}

/** The schema's defaults as plain data (a Secret default becomes its text again, for templates). */
function schemaDefaults(): VarTree {
  const plain = (v: unknown): unknown => {
    if (isSecret(v)) return v.reveal();
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    return v;
  };
  return plain(owConfigSchema.parse({})) as VarTree;
}

function defaultHostAddress(host: string, vars: VarTree): string {
  const given = vars.ansible_host;
  if (typeof given === 'string' || typeof given === 'number') return String(given);
  return host === 'localhost' ? '127.0.0.1' : host;
}

export async function loadEnvironment(envArg: string, opts: LoadOptions = {}): Promise<Inventory> {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const { dir, file } = locateInventory(envArg, cwd);
  const display = relative(cwd, file) || file;
  const invFile = parseInventoryFile(file, display);
  const graph = buildGroupGraph(invFile, display);

  const issues = new IssueCollector();
  const top = [...dbEnvLayers(env), ...issues.attempt(() => parseExtraVars(opts.extraVars ?? [], cwd), [])];
  const groupVarsFiles = new Map(
    [...graph.groups.keys()].map((g) => [g, loadVarsLayers(join(dir, 'group_vars'), g, cwd, issues)]),
  );
  const above = new Map(
    graph.hosts.map((h) => [
      h,
      hostLayers(
        h,
        graph,
        invFile,
        display,
        groupVarsFiles,
        loadVarsLayers(join(dir, 'host_vars'), h, cwd, issues),
        top,
      ),
    ]),
  );
  const partial = new Map(graph.hosts.map((h) => [h, mergeLayers(above.get(h)!)]));

  // OpenWhisk's default database host is the first host of the `db` group.
  const firstDb = graph.groups.get('db')?.[0];
  const dbHost = firstDb ? defaultHostAddress(firstDb, partial.get(firstDb)!) : '127.0.0.1';
  const base = schemaDefaults();
  const name = basename(dir);

  const hosts = new Map<string, Host>();
  const layersByHost = new Map<string, VarLayer[]>();
  for (const h of graph.hosts) {
    const address = defaultHostAddress(h, partial.get(h)!);
    const defaults: VarLayer = {
      source: 'defaults',
      vars: deepMerge(base, {
        ansible_host: address,
        ansible_connection: LOOPBACK.test(address) || LOOPBACK.test(h) ? 'local' : 'ssh',
        owctl_home: env.OWCTL_HOME || join(homedir(), '.owctl'),
        db: { host: dbHost },
        controller: { bindHost: address },
      }),
    };
    const layers = [defaults, ...above.get(h)!];
    layersByHost.set(h, layers);
    const groupNames = graph.hostGroups.get(h)!.filter((g) => g !== 'all' && g !== 'ungrouped');
    const merged = deepMerge(defaults.vars, partial.get(h)!);
    const resolved = resolveReferences(
      merged,
      {
        ...knobAliases(merged),
        inventory_hostname: h,
        group_names: groupNames,
        groups: Object.fromEntries(graph.groups),
        owctl_environment: name,
      },
      { where: `host ${h}`, sourceOf: (key) => sourceOf(layers, key) ?? display },
    );
    for (const i of resolved.issues) issues.add(i);
    if (resolved.issues.length > 0) continue;
    const validated = validateHostVars(resolved.vars, layers, `environment ${name} (host ${h})`);
    for (const i of validated.issues) issues.add(i);
    if (validated.vars) hosts.set(h, { name: h, groups: graph.hostGroups.get(h)!, vars: validated.vars });
  }
  issues.throwIfAny(`Environment "${name}" (${relative(cwd, dir) || dir}) has configuration problems:`);
  return new EnvironmentInventory(name, dir, hosts, graph, layersByHost);
}
