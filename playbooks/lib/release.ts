/**
 * The release: what the services need to run (their code, the TypeScript runner, package.json and
 * the production node_modules) and its identity, a hash over the code and the lockfile. A new
 * release restarts the services on the next deploy; the same release restarts nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './paths.ts';

/** The platform's own files (relative to the checkout); node_modules comes from the lockfile. */
export const RELEASE_ROOTS = ['services', 'bin/run-ts.js', 'package.json', 'package-lock.json'];

function files(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(path, e.name)) : [join(path, e.name)],
    );
  } catch {
    return [path];
  }
}

let cached: string | undefined;

export function releaseId(): string {
  if (cached) return cached;
  const hash = createHash('sha256');
  for (const root of RELEASE_ROOTS) {
    for (const file of files(join(REPO_ROOT, root)).sort()) {
      hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
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
