/**
 * Ansible's INI inventory format, which is not standard INI:
 *   host1 ansible_host=10.0.0.5 user_memory=4g    (hosts before any section are "ungrouped")
 *   [controllers]                                 a group; one host per line, key=value vars after it
 *   [all:children]                                child group names, one per line
 *   [controllers:vars]                            key=value lines
 * Values: quoted → string as written; unquoted integers/floats → numbers; true/false (any case)
 * → booleans; everything else a string. `#` or `;` starts a comment line; ` #` ends a host line.
 */
import { ConfigError } from './errors.ts';
import { expandHostRange, InventoryBuilder, type InventoryFile } from './inventory-file.ts';
import type { VarTree } from './vars.ts';

interface Token {
  text: string;
  /** Some part of it was inside quotes, so it stays a string. */
  quoted: boolean;
}

/** Shell-like split: spaces separate, quotes group, an unquoted # at a token start ends the line. */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let cur: Token | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur!.text += line[++i];
      else cur!.text += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (cur) tokens.push(cur);
      cur = undefined;
      continue;
    }
    if (c === '#' && !cur) break;
    cur ??= { text: '', quoted: false };
    if (c === '"' || c === "'") {
      quote = c;
      cur.quoted = true;
    } else cur.text += c;
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (cur) tokens.push(cur);
  return tokens;
}

export function parseIniValue(text: string, quoted: boolean): unknown {
  if (quoted) return text;
  if (/^[+-]?\d+$/.test(text)) return Number(text);
  if (/^[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  return text;
}

function keyValues(tokens: Token[], where: string): VarTree {
  const vars: VarTree = {};
  for (const t of tokens) {
    const eq = t.text.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError([`${where}: "${t.text}": expected key=value (quote values that contain spaces)`]);
    }
    const key = t.text.slice(0, eq);
    vars[key] = parseIniValue(t.text.slice(eq + 1), t.quoted);
  }
  return vars;
}

/** "host:2222" sets ansible_port, as Ansible does; IPv6 addresses (several colons) are left alone. */
function splitHostPort(spec: string): { host: string; port?: number } {
  const m = /^([^:]+):(\d+)$/.exec(spec);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: spec };
}

export function parseIniInventory(content: string, path: string, displayPath: string): InventoryFile {
  const inv = new InventoryBuilder(path);
  const issues: string[] = [];
  let group = 'ungrouped';
  let kind: 'hosts' | 'vars' | 'children' = 'hosts';
  content.split(/\r?\n/).forEach((raw, index) => {
    const where = `${displayPath}:${index + 1}`;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    try {
      const section = /^\[([^\]:]+)(?::(vars|children))?\]$/.exec(line);
      if (section) {
        group = section[1]!.trim();
        kind = (section[2] as 'vars' | 'children' | undefined) ?? 'hosts';
        inv.group(group);
        return;
      }
      if (line.startsWith('[')) {
        throw new ConfigError([
          `${where}: "${line}": expected a section [group], [group:vars] or [group:children]`,
        ]);
      }
      if (kind === 'vars') {
        const eq = line.indexOf('=');
        if (eq <= 0) throw new ConfigError([`${where}: "${line}": expected key=value in [${group}:vars]`]);
        const [token] = tokenize(line.slice(eq + 1).trim());
        const value = token ? parseIniValue(token.text, token.quoted) : '';
        inv.addGroupVars(group, { [line.slice(0, eq).trim()]: value });
        return;
      }
      const tokens = tokenize(line);
      if (tokens.length === 0) return;
      if (kind === 'children') {
        if (tokens.length > 1)
          throw new ConfigError([`${where}: expected one group name per line, got "${line}"`]);
        inv.addChild(group, tokens[0]!.text);
        return;
      }
      const [first, ...rest] = tokens;
      const { host, port } = splitHostPort(first!.text);
      const vars = keyValues(rest, where);
      if (port !== undefined && vars.ansible_port === undefined) vars.ansible_port = port;
      for (const name of expandHostRange(host, where)) inv.addHost(group, name, vars);
    } catch (err) {
      if (err instanceof ConfigError) issues.push(...err.issues);
      else issues.push(`${where}: ${(err as Error).message}`);
    }
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return inv.file;
}
