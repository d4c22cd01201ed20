/**
 * YAML as Ansible reads it: YAML 1.1, so `yes`/`no`/`on`/`off` are booleans. Syntax errors name the
 * file, line and column.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './errors.ts';
import { isPlainObject, type VarTree } from './vars.ts';

export function parseYamlDocument(content: string, displayPath: string): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(content, {
    version: '1.1',
    prettyErrors: false,
    uniqueKeys: true,
    lineCounter: lines,
  });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        const at = `:${pos.line}:${pos.col}`;
        return `${displayPath}${at}: invalid YAML: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  return doc.toJS({ maxAliasCount: 1000 });
}

/** A vars file (group_vars, host_vars, -e @file): a mapping, or nothing when empty. */
export function readVarsFile(path: string, displayPath: string): VarTree {
  const content = readFileSync(path, 'utf8');
  const value = parseYamlDocument(content, displayPath);
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new ConfigError([
      `${displayPath}: expected a mapping of variable names to values at the top level, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`,
    ]);
  }
  return value;
}
