/**
 * The identity of the services' code: a hash over what the services run. A new release restarts
 * the services on the next deploy; the same release restarts nothing.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './paths.ts';

const RELEASE_ROOTS = ['services', 'bin/run-ts.js', 'package-lock.json'];

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
