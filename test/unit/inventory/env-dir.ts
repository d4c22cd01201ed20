import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = join(REPO, 'test/fixtures/environments');

/** Writes an environment folder (relative path → content) under a fresh temp dir; returns its path. */
export function writeEnv(files: Record<string, string>, name = 'env'): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'owctl-inv-')), name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export const LOCALHOST_ONLY =
  'all:\n  hosts:\n    localhost:\n  children:\n    db:\n      hosts:\n        localhost:\n';

/** A path as the loader names it in messages: relative to cwd. */
export function rel(cwd: string, path: string): string {
  return relative(cwd, path);
}
