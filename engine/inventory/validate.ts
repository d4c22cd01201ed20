/**
 * Checks one host's merged variables against the schema. Each problem names the layer (file, -e,
 * environment variable) that set the offending value, the key path, the value and what was expected.
 */
import { hostVarsSchema } from './schema.ts';
import { isSecretPath, wrapSecrets } from './secrets.ts';
import type { HostVars } from './types.ts';
import { getPath, hasPath, isPlainObject, splitPath, type VarLayer, type VarTree } from './vars.ts';

/** The highest-precedence layer that set `path` (or replaced a parent of it with a non-mapping). */
export function sourceOf(layers: readonly VarLayer[], path: string | readonly string[]): string | undefined {
  const parts = splitPath(path);
  for (let i = layers.length - 1; i >= 0; i--) {
    const vars = layers[i]!.vars;
    if (hasPath(vars, parts)) return layers[i]!.source;
    for (let n = parts.length - 1; n > 0; n--) {
      const prefix = parts.slice(0, n);
      if (hasPath(vars, prefix) && !isPlainObject(getPath(vars, prefix))) return layers[i]!.source;
    }
  }
  return undefined;
}

function describe(path: readonly string[], value: unknown): string {
  if (value === undefined) return 'nothing';
  if (isSecretPath(path)) return '(a secret value)';
  return JSON.stringify(value) ?? String(value);
}

export function validateHostVars(
  vars: VarTree,
  layers: readonly VarLayer[],
  fallbackSource: string,
): { vars?: HostVars; issues: string[] } {
  const result = hostVarsSchema.safeParse(vars);
  if (result.success) return { vars: wrapSecrets(result.data) as HostVars, issues: [] };
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.map(String);
    const source = sourceOf(layers, path) ?? fallbackSource;
    const key = path.length > 0 ? path.join('.') : '(top level)';
    return `${source}: ${key}: ${issue.message}, got ${describe(path, getPath(vars, path))}`;
  });
  return { issues };
}
