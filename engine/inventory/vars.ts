/**
 * Plain-data helpers for variable trees: Ansible's hash_behaviour=merge (dicts deep-merge, every
 * other value replaces) and dotted-path access.
 */
export type VarTree = Record<string, unknown>;

/** One layer of variables and where it came from, lowest precedence first in a list. */
export interface VarLayer {
  /** e.g. "defaults", "environments/local/group_vars/all.yml", "-e", "env OW_DB_HOST" */
  source: string;
  vars: VarTree;
}

export function isPlainObject(value: unknown): value is VarTree {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Copies plain objects and arrays; anything else (Secrets included) is shared. */
export function deepClone<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => deepClone(v)) as T;
  if (isPlainObject(value)) {
    const out: VarTree = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepClone(v);
    return out as T;
  }
  return value;
}

/** `over` merged onto `base` without touching either: dicts merge key by key, the rest replaces. */
export function deepMerge(base: VarTree, over: VarTree): VarTree {
  const out: VarTree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : deepClone(v);
  }
  return out;
}

export function mergeLayers(layers: readonly VarLayer[]): VarTree {
  return layers.reduce<VarTree>((acc, layer) => deepMerge(acc, layer.vars), {});
}

export function splitPath(path: string | readonly string[]): string[] {
  return typeof path === 'string' ? path.split('.').filter((p) => p !== '') : [...path];
}

const MISSING = Symbol('missing');

function lookup(tree: unknown, path: readonly string[]): unknown {
  let cur: unknown = tree;
  for (const part of path) {
    if (Array.isArray(cur) && /^\d+$/.test(part) && Number(part) < cur.length) cur = cur[Number(part)];
    else if (isPlainObject(cur) && Object.hasOwn(cur, part)) cur = cur[part];
    else return MISSING;
  }
  return cur;
}

export function hasPath(tree: unknown, path: string | readonly string[]): boolean {
  return lookup(tree, splitPath(path)) !== MISSING;
}

export function getPath(tree: unknown, path: string | readonly string[]): unknown {
  const v = lookup(tree, splitPath(path));
  return v === MISSING ? undefined : v;
}

/** Sets a value, creating (or replacing non-dict values with) dicts along the way. */
export function setPath(tree: VarTree, path: string | readonly string[], value: unknown): void {
  const parts = splitPath(path);
  let cur: unknown = tree;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    if (Array.isArray(cur) && /^\d+$/.test(part)) {
      if (last) cur[Number(part)] = value;
      else cur = cur[Number(part)];
      continue;
    }
    const obj = cur as VarTree;
    if (last) obj[part] = value;
    else {
      if (!isPlainObject(obj[part]) && !Array.isArray(obj[part])) obj[part] = {};
      cur = obj[part];
    }
  }
}

/** Nests dotted keys: { "a.b": 1 } → { a: { b: 1 } } (used for -e k.sub=v). */
export function nestDotted(key: string, value: unknown): VarTree {
  const out: VarTree = {};
  setPath(out, key, value);
  return out;
}
