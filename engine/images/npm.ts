/**
 * What a service image needs from this checkout: the source files its entry point reaches through
 * relative imports, and the npm packages those files import together with their dependencies as
 * package-lock.json resolves them (what `npm ci --omit=dev` would install, limited to what is used).
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, resolve } from 'node:path';

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
const BUILTIN = new Set(builtinModules);

export interface SourceGraph {
  /** Files relative to the root, sorted. */
  files: string[];
  /** npm package names imported by them. */
  packages: string[];
}

/** Follows relative imports from the entry files (relative to root). */
export function sourceGraph(root: string, entries: string[]): SourceGraph {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((e) => resolve(root, e));
  for (let file = queue.pop(); file; file = queue.pop()) {
    const relPath = relative(root, file);
    if (files.has(relPath)) continue;
    if (!existsSync(file)) throw new Error(`${relPath} is imported but does not exist in ${root}`);
    files.add(relPath);
    if (!/\.(m?[jt]s|cjs)$/.test(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? '';
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:') && !BUILTIN.has(spec)) packages.add(packageName(spec));
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}

/** "@scope/name/sub/path" → "@scope/name"; "tsx/esm/api" → "tsx". */
export function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
}

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dev?: boolean;
}

/**
 * The node_modules folders (relative to root, e.g. "node_modules/fastify" or
 * "node_modules/a/node_modules/b") the packages need, resolved as node does: the nearest
 * node_modules up from the requiring package. Optional packages not installed here are left out.
 */
export function packageClosure(root: string, names: string[]): string[] {
  const lockFile = join(root, 'package-lock.json');
  let lock: { packages?: Record<string, LockEntry> };
  try {
    lock = JSON.parse(readFileSync(lockFile, 'utf8')) as typeof lock;
  } catch (err) {
    throw new Error(`cannot read ${lockFile}: ${(err as Error).message}; run npm install`);
  }
  const packages = lock.packages ?? {};
  const found = new Set<string>();
  const visit = (from: string, name: string, optional: boolean) => {
    for (let base = from; ; base = parentPackage(base)) {
      const candidate = posix.join(base, 'node_modules', name);
      if (packages[candidate]) {
        if (!existsSync(join(root, candidate))) {
          if (optional) return;
          throw new Error(`${candidate} is in package-lock.json but not installed; run npm ci`);
        }
        if (found.has(candidate)) return;
        found.add(candidate);
        const entry = packages[candidate];
        for (const dep of Object.keys(entry?.dependencies ?? {})) visit(candidate, dep, false);
        for (const dep of Object.keys(entry?.optionalDependencies ?? {})) visit(candidate, dep, true);
        for (const dep of Object.keys(entry?.peerDependencies ?? {})) visit(candidate, dep, true);
        return;
      }
      if (base === '') {
        if (optional) return;
        throw new Error(
          `package ${name} (needed from ${from || 'the project'}) is not in package-lock.json; add it to package.json and run npm install`,
        );
      }
    }
  };
  for (const name of names) visit('', name, false);
  return [...found].sort();
}

/** "node_modules/a/node_modules/b" → "node_modules/a"; "node_modules/a" → "". */
function parentPackage(path: string): string {
  const at = path.lastIndexOf('/node_modules/');
  return at < 0 ? '' : path.slice(0, at);
}
