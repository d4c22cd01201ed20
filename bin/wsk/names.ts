/**
 * Entity names as upstream resolves them: `name`, `pkg/name`, `/ns/name`, `/ns/pkg/name`
 * (and `ns/pkg/name`, read as fully qualified). Short names use the default namespace.
 */
import { WskError } from './errors.ts';

export interface QualifiedName {
  namespace: string;
  packageName: string;
  entity: string;
  /** `pkg/name` or `name`: the path below `/namespaces/{ns}/actions/`. */
  entityName: string;
}

function invalid(name: string): WskError {
  return new WskError(
    `'${name}' is not a valid qualified name: A valid qualified name must be specified.`,
    1,
    true,
  );
}

export function parseQualifiedName(input: string, defaultNamespace: string): QualifiedName {
  let name = input;
  const raw = name.split('/');
  if (raw.length === 3 && raw[0] !== '') name = `/${name}`;
  const parts = name.split('/');
  if (name.startsWith('/')) {
    if (parts.length < 2 || parts.length > 4) throw invalid(input);
    if (parts.slice(1).some((p) => p === '' || p === '.')) throw invalid(input);
    return {
      namespace: parts[1]!,
      packageName: parts.length === 4 ? parts[2]! : '',
      entity: parts.length > 2 ? parts[parts.length - 1]! : '',
      entityName: parts.slice(2).join('/'),
    };
  }
  if (name === '' || name === '.' || parts.length > 2 || parts.some((p) => p === '')) throw invalid(input);
  return {
    namespace: defaultNamespace,
    packageName: parts.length === 2 ? parts[0]! : '',
    entity: parts[parts.length - 1]!,
    entityName: name,
  };
}

/** `/ns/[pkg/]name` for a name that may be short (sequence components, rule targets). */
export function fullyQualify(name: string, defaultNamespace: string): string {
  const q = parseQualifiedName(name.trim(), defaultNamespace);
  return `/${q.namespace}/${q.entityName}`;
}

/** `_` is shown as `default` in messages, as upstream. */
export function displayNamespace(ns: string): string {
  return ns === '_' ? 'default' : ns;
}
