/**
 * The release: what the services need to run (their code and every file of the checkout it
 * imports, the TypeScript runner, package.json and the production node_modules) and its identity,
 * a hash over those files. A new release restarts the services on the next deploy; the same
 * release restarts nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from './paths.ts';

/** Where the release starts; files outside these that the code imports are added (releaseFiles). */
const RELEASE_ROOTS = ['services', 'bin/run-ts.js', 'package.json', 'package-lock.json'];

const CODE = /\.(ts|mts|js|mjs)$/;
/** Relative specifiers of static and dynamic imports and re-exports. */
const IMPORT = /(?:\bfrom|\bimport\s*\(?)\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function files(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(path, e.name)) : [join(path, e.name)],
    );
  } catch {
    return [path];
  }
}

let cachedFiles: string[] | undefined;

/**
 * The release's own files, relative to the checkout and sorted: everything under the roots plus,
 * transitively, each checkout file their code imports (e.g. engine/docker for the invoker).
 */
export function releaseFiles(): string[] {
  if (cachedFiles) return cachedFiles;
  const seen = new Set<string>();
  const queue = RELEASE_ROOTS.flatMap((root) => files(join(REPO_ROOT, root)));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    if (!CODE.test(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1] as string);
      if (target.startsWith(`${REPO_ROOT}/`) && !target.includes('/node_modules/')) queue.push(target);
    }
  }
  cachedFiles = [...seen].map((f) => relative(REPO_ROOT, f)).sort();
  return cachedFiles;
}

let cached: string | undefined;

export function releaseId(): string {
  if (cached) return cached;
  const hash = createHash('sha256');
  for (const file of releaseFiles()) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(REPO_ROOT, file)))
      .update('\0');
  }
  cached = hash.digest('hex').slice(0, 16);
  return cached;
}

interface LockPackage {
  dev?: boolean;
}

/**
 * The installed production packages, as top-level folders under node_modules (relative paths):
 * the lockfile's entries without `dev`, whose nested node_modules come along with their parent.
 * Optional packages for other platforms are not installed and so are left out.
 */
export function productionPackages(): string[] {
  const lockFile = join(REPO_ROOT, 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { packages?: Record<string, LockPackage> };
  if (!lock.packages) {
    throw new Error(`${lockFile} has no "packages" map (lockfileVersion ≥ 2); regenerate it with npm ≥ 7`);
  }
  const out: string[] = [];
  for (const [path, pkg] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || pkg.dev) continue;
    if (path.lastIndexOf('node_modules/') !== 0) continue; // nested: inside its parent's folder
    if (existsSync(join(REPO_ROOT, path))) out.push(path);
  }
  if (!out.includes('node_modules/tsx')) {
    throw new Error(`node_modules/tsx is missing in ${REPO_ROOT}: run \`npm ci\` before deploying to hosts`);
  }
  return out.sort();
}
