/**
 * Ansible's YAML inventory format:
 *   all:
 *     hosts: { localhost: { ansible_connection: local } }
 *     vars: { … }
 *     children:
 *       controllers: { hosts: { controller0: } }
 * Top-level keys other than `all` are groups too, as Ansible allows.
 */
import { ConfigError } from './errors.ts';
import { expandHostRange, InventoryBuilder, type InventoryFile } from './inventory-file.ts';
import { isPlainObject, type VarTree } from './vars.ts';
import { parseYamlDocument } from './yaml-file.ts';

const GROUP_KEYS = new Set(['hosts', 'children', 'vars']);

export function parseYamlInventory(content: string, path: string, displayPath: string): InventoryFile {
  const doc = parseYamlDocument(content, displayPath);
  const inv = new InventoryBuilder(path);
  const issues: string[] = [];

  const mappingAt = (value: unknown, where: string): VarTree => {
    if (value === null || value === undefined) return {};
    if (isPlainObject(value)) return value;
    throw new ConfigError([`${displayPath}: ${where}: expected a mapping, got ${JSON.stringify(value)}`]);
  };

  const walkGroup = (name: string, entry: unknown, where: string): void => {
    const group = mappingAt(entry, where);
    inv.group(name);
    for (const key of Object.keys(group)) {
      if (!GROUP_KEYS.has(key)) {
        issues.push(
          `${displayPath}: ${where}.${key}: unknown key; a group holds "hosts", "children" and "vars" (put variables under ${where}.vars)`,
        );
      }
    }
    for (const [host, vars] of Object.entries(mappingAt(group.hosts, `${where}.hosts`))) {
      const hostVars = mappingAt(vars, `${where}.hosts.${host}`);
      for (const h of expandHostRange(host, `${displayPath}: ${where}.hosts`)) inv.addHost(name, h, hostVars);
    }
    inv.addGroupVars(name, mappingAt(group.vars, `${where}.vars`));
    for (const [child, childEntry] of Object.entries(mappingAt(group.children, `${where}.children`))) {
      inv.addChild(name, child);
      walkGroup(child, childEntry, `${where}.children.${child}`);
    }
  };

  try {
    for (const [name, entry] of Object.entries(mappingAt(doc, 'top level'))) {
      try {
        walkGroup(name, entry, name);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        issues.push(...err.issues);
      }
    }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues.push(...err.issues);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return inv.file;
}
