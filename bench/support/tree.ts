/**
 * A deploy directory as comparable data: every path under it with its kind, mode and content
 * (symlinks by target), the root itself replaced by "<root>" so two tools' trees compare equal.
 */
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export async function describeTree(root: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  async function walk(rel: string): Promise<void> {
    const path = rel ? join(root, rel) : root;
    const st = await lstat(path);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) entries.set(rel, `link → ${await readlink(path)}`);
    else if (st.isDirectory()) {
      if (rel) entries.set(rel, `directory ${mode}`);
      for (const name of (await readdir(path)).sort()) await walk(rel ? `${rel}/${name}` : name);
    } else entries.set(rel, `file ${mode} ${(await readFile(path, 'utf8')).replaceAll(root, '<root>')}`);
  }
  await walk('');
  return entries;
}

/** The paths where two trees differ, each with both sides; empty when they are the same. */
export function treeDifferences(a: Map<string, string>, b: Map<string, string>): string[] {
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths
    .filter((p) => a.get(p) !== b.get(p))
    .map((p) => `${p}: ${JSON.stringify(a.get(p) ?? 'missing')} vs ${JSON.stringify(b.get(p) ?? 'missing')}`);
}
