/**
 * A docker build context on the controller: its files (sorted, relative) and a content hash over
 * names, executable bits and bytes, so an unchanged context is recognised and not rebuilt.
 * .dockerignore is honoured for plain patterns (`name`, `dir/`, `*.ext`, `**` globs, `!` re-include).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { sha256Hex, stableJson } from './labels.ts';

export interface BuildContext {
  dir: string;
  files: string[];
  hash: string;
}

export async function readBuildContext(
  dir: string,
  dockerfile: string,
  extra: Record<string, unknown>,
): Promise<BuildContext> {
  const ignore = await ignoreRules(dir);
  const files = (await walk(dir, dir)).filter((f) => f === dockerfile || !ignore(f)).sort();
  const digest: string[] = [];
  for (const file of files) {
    const full = join(dir, file);
    const [st, bytes] = await Promise.all([stat(full), readFile(full)]);
    digest.push(`${file}\0${st.mode & 0o111 ? 'x' : '-'}\0${sha256Hex(bytes)}`);
  }
  return { dir, files, hash: sha256Hex(stableJson({ dockerfile, files: digest, ...extra })) };
}

async function walk(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(root, full)));
    else if (entry.isFile() || entry.isSymbolicLink()) out.push(relative(root, full).split(sep).join('/'));
  }
  return out;
}

async function ignoreRules(dir: string): Promise<(file: string) => boolean> {
  let text = '';
  try {
    text = await readFile(join(dir, '.dockerignore'), 'utf8');
  } catch {
    return () => false;
  }
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, re: globToRegExp(pattern) };
    });
  return (file) => {
    let ignored = false;
    for (const rule of rules) if (rule.re.test(file)) ignored = !rule.negate;
    return ignored;
  };
}

/** A pattern matches the path itself or anything below it (so `dir` ignores dir/**). */
function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}(/.*)?$`);
}
