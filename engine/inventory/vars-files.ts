/**
 * group_vars/ and host_vars/ as Ansible reads them: for a name N, the file N.yml, N.yaml, N.json or
 * N (no extension), and/or a folder N/ whose files load in alphabetical order.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { IssueCollector } from './errors.ts';
import type { VarLayer } from './vars.ts';
import { readVarsFile } from './yaml-file.ts';

const EXTENSIONS = ['.yml', '.yaml', '.json', ''];
/** Inside a folder: YAML/JSON files and files without an extension (Ansible ignores *.bak etc.). */
const VARS_FILE = /^[^.]+$|\.(ya?ml|json)$/;

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function varsFilesFor(dir: string, name: string): string[] {
  const files = EXTENSIONS.map((ext) => join(dir, name + ext)).filter(isFile);
  const folder = join(dir, name);
  if (existsSync(folder) && statSync(folder).isDirectory()) {
    const inside = readdirSync(folder)
      .filter((f) => !f.startsWith('.') && VARS_FILE.test(f))
      .sort()
      .map((f) => join(folder, f))
      .filter(isFile);
    files.push(...inside);
  }
  return files;
}

/** One layer per file, sources relative to cwd; unreadable files are collected as issues. */
export function loadVarsLayers(dir: string, name: string, cwd: string, issues: IssueCollector): VarLayer[] {
  return varsFilesFor(dir, name).map((path) => {
    const source = relative(cwd, path) || path;
    return { source, vars: issues.attempt(() => readVarsFile(path, source), {}) };
  });
}
