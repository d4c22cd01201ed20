/**
 * What an inventory file says, whatever its format: groups with their hosts, child groups and
 * vars, plus per-host vars from host lines. Both the YAML and the INI parser fill an InventoryBuilder.
 */
import { ConfigError } from './errors.ts';
import { deepMerge, type VarTree } from './vars.ts';

export interface InventoryGroup {
  hosts: string[];
  children: string[];
  vars: VarTree;
}

export interface InventoryFile {
  /** Absolute path of the file. */
  path: string;
  groups: Map<string, InventoryGroup>;
  /** Vars given on host lines (merged when a host appears in several groups). */
  hostVars: Map<string, VarTree>;
  /** Hosts in the order they first appear: Ansible keeps it, so plays touch hosts in that order. */
  hostOrder: string[];
}

export class InventoryBuilder {
  readonly file: InventoryFile;

  constructor(path: string) {
    this.file = { path, groups: new Map(), hostVars: new Map(), hostOrder: [] };
    this.group('all');
  }

  group(name: string): InventoryGroup {
    let g = this.file.groups.get(name);
    if (!g) {
      g = { hosts: [], children: [], vars: {} };
      this.file.groups.set(name, g);
    }
    return g;
  }

  addHost(group: string, host: string, vars: VarTree = {}): void {
    const g = this.group(group);
    if (!g.hosts.includes(host)) g.hosts.push(host);
    if (!this.file.hostVars.has(host)) {
      this.file.hostVars.set(host, {});
      this.file.hostOrder.push(host);
    }
    this.file.hostVars.set(host, deepMerge(this.file.hostVars.get(host)!, vars));
  }

  addChild(parent: string, child: string): void {
    const g = this.group(parent);
    this.group(child);
    if (!g.children.includes(child)) g.children.push(child);
  }

  addGroupVars(group: string, vars: VarTree): void {
    const g = this.group(group);
    g.vars = deepMerge(g.vars, vars);
  }
}

/**
 * Ansible host ranges: "web[01:03].example.com" → web01, web02, web03 (zero padding kept),
 * "db-[a:c]" → db-a, db-b, db-c, optional step "[0:10:5]".
 */
export function expandHostRange(pattern: string, where: string): string[] {
  const m = /^(.*?)\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::(\d+))?\](.*)$/.exec(pattern);
  if (!m) return [pattern];
  const [, head = '', from = '', to = '', stepText, tail = ''] = m;
  const step = stepText ? Number(stepText) : 1;
  const numeric = /^\d+$/.test(from) && /^\d+$/.test(to);
  const alpha = /^[a-zA-Z]$/.test(from) && /^[a-zA-Z]$/.test(to);
  if ((!numeric && !alpha) || step < 1) {
    throw new ConfigError([
      `${where}: host range "${pattern}": expected [start:end] with numbers (01:10) or single letters (a:f)`,
    ]);
  }
  const start = numeric ? Number(from) : from.charCodeAt(0);
  const end = numeric ? Number(to) : to.charCodeAt(0);
  if (end < start) {
    throw new ConfigError([`${where}: host range "${pattern}": the end comes before the start`]);
  }
  const names: string[] = [];
  for (let i = start; i <= end; i += step) {
    const part = numeric ? String(i).padStart(from.length, '0') : String.fromCharCode(i);
    names.push(...expandHostRange(`${head}${part}${tail}`, where));
  }
  return names;
}
