/**
 * The group graph of an inventory, as Ansible builds it: every group not under another one is a
 * child of "all"; hosts in no group but "all" are "ungrouped"; a host belongs to its groups and to
 * all their ancestors. Groups are ordered by depth below "all", then name — the order in which
 * their variables apply (parents before children, siblings alphabetically).
 */
import { ConfigError } from './errors.ts';
import type { InventoryFile } from './inventory-file.ts';

export interface GroupGraph {
  /** Host names in inventory order. */
  hosts: string[];
  /** group → host names (children expanded, inventory order). */
  groups: Map<string, string[]>;
  /** group → direct child groups. */
  children: Map<string, string[]>;
  /** host → groups it is in, in variable precedence order ("all" first). */
  hostGroups: Map<string, string[]>;
}

export function buildGroupGraph(file: InventoryFile, displayPath: string): GroupGraph {
  const children = new Map<string, string[]>();
  for (const [name, g] of file.groups) children.set(name, [...g.children]);
  if (!children.has('ungrouped')) children.set('ungrouped', []);
  const hasParent = new Set([...children.values()].flat());
  const all = children.get('all')!;
  for (const name of children.keys())
    if (name !== 'all' && !hasParent.has(name) && !all.includes(name)) all.push(name);

  const cycle = findCycle(children);
  if (cycle) {
    throw new ConfigError([
      `${displayPath}: groups contain each other: ${cycle.join(' -> ')}; remove one of these children entries`,
    ]);
  }
  const depth = new Map<string, number>();
  const visit = (name: string, d: number): void => {
    if ((depth.get(name) ?? -1) >= d) return;
    depth.set(name, d);
    for (const c of children.get(name) ?? []) visit(c, d + 1);
  };
  visit('all', 0);

  const directGroups = new Map<string, string[]>(file.hostOrder.map((h) => [h, []]));
  for (const [name, g] of file.groups) for (const h of g.hosts) directGroups.get(h)!.push(name);
  for (const gs of directGroups.values()) {
    if (gs.every((g) => g === 'all' || g === 'ungrouped') && !gs.includes('ungrouped')) gs.push('ungrouped');
  }

  const parents = new Map<string, string[]>();
  for (const [p, cs] of children) for (const c of cs) parents.set(c, [...(parents.get(c) ?? []), p]);
  const ancestors = (name: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(name)) return seen;
    seen.add(name);
    for (const p of parents.get(name) ?? []) ancestors(p, seen);
    return seen;
  };
  const byPrecedence = (a: string, b: string) =>
    (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || a.localeCompare(b);

  const hostGroups = new Map<string, string[]>();
  const groups = new Map<string, string[]>([...children.keys()].map((g) => [g, []]));
  for (const h of file.hostOrder) {
    const set = new Set<string>(['all']);
    for (const g of directGroups.get(h)!) for (const a of ancestors(g)) set.add(a);
    const sorted = [...set].sort(byPrecedence);
    hostGroups.set(h, sorted);
    for (const g of sorted) groups.get(g)!.push(h);
  }
  return { hosts: [...file.hostOrder], groups, children, hostGroups };
}

function findCycle(children: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const walk = (name: string, path: string[]): string[] | undefined => {
    if (path.includes(name)) return [...path.slice(path.indexOf(name)), name];
    if (done.has(name)) return undefined;
    for (const c of children.get(name) ?? []) {
      const found = walk(c, [...path, name]);
      if (found) return found;
    }
    done.add(name);
    return undefined;
  };
  for (const name of children.keys()) {
    const found = walk(name, []);
    if (found) return found;
  }
  return undefined;
}
