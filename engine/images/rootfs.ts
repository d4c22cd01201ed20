/**
 * The files of one image layer, gathered from this machine: single files, directory trees,
 * the shared libraries `ldd` says executables load, and generated files. Paths are
 * placed at their canonical location (/lib/x → /usr/lib/x, as on a merged-/usr system), parent
 * directories are added, and `key()` summarises the layer from file metadata, so an unchanged
 * layer is recognised without reading its content.
 */
import { execFile } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import { sha256Hex, stableJson } from '../docker/labels.ts';
import type { TarEntry } from './tar.ts';

const run = promisify(execFile);

export class LayerFiles {
  private readonly entries = new Map<string, TarEntry>();
  /** Per-entry facts the key is computed from (stat data of sources, hashes of contents). */
  private readonly facts = new Map<string, string>();

  /** A file copied from this machine (symlinks followed), by default at the same path. */
  file(source: string, dest = canonical(source), mode?: number): this {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(source);
    } catch (err) {
      throw new Error(
        `cannot add ${source} to an image: ${(err as Error).message}; install it or fix the recipe`,
      );
    }
    this.put(
      { path: rel(dest), type: 'file', mode: mode ?? st.mode & 0o7777, size: st.size, source },
      `${source}:${st.size}:${st.mtimeMs}:${st.ino}`,
    );
    return this;
  }

  content(dest: string, content: string | Buffer, mode = 0o644): this {
    const bytes = Buffer.from(content);
    this.put({ path: rel(dest), type: 'file', mode, size: bytes.length, content: bytes }, sha256Hex(bytes));
    return this;
  }

  symlink(dest: string, target: string): this {
    this.put({ path: rel(dest), type: 'symlink', target }, target);
    return this;
  }

  dir(dest: string, mode = 0o755): this {
    this.put({ path: rel(dest), type: 'dir', mode }, String(mode));
    return this;
  }

  /** A directory tree; symlinks stay symlinks. `skip` gets paths relative to `source`. */
  tree(source: string, dest = canonical(source), skip: (relPath: string) => boolean = () => false): this {
    const walk = (dir: string) => {
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch (err) {
        throw new Error(`cannot add ${dir} to an image: ${(err as Error).message}`);
      }
      for (const name of names) {
        const full = join(dir, name);
        const relPath = relative(source, full);
        if (skip(relPath)) continue;
        const target = posix.join(dest, relPath);
        const st = lstatSync(full);
        if (st.isSymbolicLink()) this.symlink(target, readlinkSync(full));
        else if (st.isDirectory()) {
          this.dir(target, st.mode & 0o7777);
          walk(full);
        } else if (st.isFile()) this.file(full, target, st.mode & 0o7777);
      }
    };
    this.dir(dest);
    walk(source);
    return this;
  }

  has(dest: string): boolean {
    return this.entries.has(rel(dest));
  }

  /** Sorted entries, each directory before what it holds. */
  list(): TarEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Changes when any entry's path, mode, kind, or source file metadata changes. */
  key(): string {
    const items = this.list().map((e) => [
      e.path,
      e.type,
      e.type === 'symlink' ? 0 : e.mode,
      this.facts.get(e.path),
    ]);
    return sha256Hex(stableJson(items));
  }

  private put(entry: TarEntry, fact: string): void {
    for (let parent = posix.dirname(entry.path); parent !== '.'; parent = posix.dirname(parent)) {
      if (this.entries.has(parent)) break;
      this.entries.set(parent, { path: parent, type: 'dir', mode: 0o755 });
      this.facts.set(parent, '493');
    }
    this.entries.set(entry.path, entry);
    this.facts.set(entry.path, fact);
  }
}

/** Image paths are relative and slash-separated: "/usr/bin/node" → "usr/bin/node". */
function rel(path: string): string {
  const p = posix.normalize(path).replace(/^\/+/, '').replace(/\/+$/, '');
  if (!p || p === '.' || p.startsWith('..'))
    throw new Error(`image path ${JSON.stringify(path)} is not valid`);
  return p;
}

/** The path with its directory's symlinks resolved (the file name itself is kept). */
export function canonical(path: string): string {
  try {
    return join(realpathSync(dirname(path)), path.slice(dirname(path).length + 1));
  } catch {
    return path;
  }
}

/** Libraries the binaries load, and the dynamic loader, as ldd lists them here. */
export async function sharedLibraries(binaries: string[]): Promise<string[]> {
  let stdout = '';
  try {
    ({ stdout } = await run('ldd', binaries, { maxBuffer: 16 << 20 }));
  } catch (err) {
    // ldd exits 1 when one of several files is not dynamic; its output still lists the others.
    stdout = (err as { stdout?: string }).stdout ?? '';
    if (!stdout) throw new Error(`ldd ${binaries.join(' ')} failed: ${(err as Error).message}`);
  }
  const libs = new Set<string>();
  for (const line of stdout.split('\n')) {
    const missing = /^\s*(\S+) => not found/.exec(line);
    if (missing)
      throw new Error(`ldd: ${missing[1]} (needed by ${binaries.join(', ')}) is not installed here`);
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m?.[1]) libs.add(m[1]);
  }
  return [...libs].sort();
}
