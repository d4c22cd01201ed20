/** Where controller-side files (templates, files to copy) are found. */
import { isAbsolute, resolve } from 'node:path';

/** The owctl checkout: relative `src` paths of copy and template are resolved against it. */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export function controllerPath(path: string, base = REPO_ROOT): string {
  return isAbsolute(path) ? path : resolve(base, path);
}
