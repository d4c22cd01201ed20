/**
 * `-e` / `--extra-vars`, the highest-precedence layer, in Ansible's three spellings:
 *   -e key=value -e 'a=1 b="two words"'   dotted keys nest (limits.invocationsPerMinute=100);
 *                                          values are YAML scalars (100 → number, true → boolean)
 *   -e @vars.yml                           a YAML/JSON file, relative to cwd
 *   -e '{"limits": {"firesPerMinute": 5}}' inline JSON/YAML flow mapping
 */
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, IssueCollector } from './errors.ts';
import { tokenize } from './ini.ts';
import { deepMerge, isPlainObject, nestDotted, type VarLayer, type VarTree } from './vars.ts';
import { parseYamlDocument, readVarsFile } from './yaml-file.ts';

/**
 * A YAML scalar, except that numbers must read back as written: "0123" or "1e3" stay text, so a
 * password or a version string is never silently changed.
 */
export function parseScalar(text: string): unknown {
  if (text === '') return '';
  let value: unknown;
  try {
    value = parseYaml(text, { version: '1.1' });
  } catch {
    return text;
  }
  if (typeof value === 'number') return String(value) === text.replace(/^\+/, '') ? value : text;
  if (value === null) return /^(null|~)$/i.test(text) ? null : text;
  return value;
}

function parseOne(raw: string, cwd: string): VarLayer {
  const text = raw.trim();
  if (text.startsWith('@')) {
    const file = text.slice(1);
    const source = `-e @${file}`;
    try {
      return { source, vars: readVarsFile(resolve(cwd, file), source) };
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError([`${source}: cannot read ${resolve(cwd, file)}: ${(err as Error).message}`]);
    }
  }
  if (text.startsWith('{')) {
    const value = parseYamlDocument(text, '-e');
    if (!isPlainObject(value)) throw new ConfigError([`-e ${raw}: expected a JSON object`]);
    return { source: '-e', vars: value };
  }
  let vars: VarTree = {};
  let tokens: ReturnType<typeof tokenize>;
  try {
    tokens = tokenize(text);
  } catch (err) {
    throw new ConfigError([`-e ${raw}: ${(err as Error).message}`]);
  }
  for (const t of tokens) {
    const eq = t.text.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError([
        `-e ${raw}: "${t.text}" is not key=value; write -e key=value, -e @file.yml or -e '{"key": "value"}'`,
      ]);
    }
    const value = t.text.slice(eq + 1);
    vars = deepMerge(vars, nestDotted(t.text.slice(0, eq), t.quoted ? value : parseScalar(value)));
  }
  return { source: '-e', vars };
}

/** One layer per -e argument, in command-line order (later wins). All bad arguments are reported together. */
export function parseExtraVars(values: readonly string[], cwd: string = process.cwd()): VarLayer[] {
  const issues = new IssueCollector();
  const layers = values.map((raw) => issues.attempt(() => parseOne(raw, cwd), { source: '-e', vars: {} }));
  issues.throwIfAny();
  return layers;
}
