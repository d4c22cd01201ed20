/**
 * The release artifact shipped to remote hosts: one gzipped tarball of the release files (see
 * release.ts), built once per release id on the machine running owctl and cached across runs and
 * environments, so a re-deploy of the same code builds and ships nothing.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { REPO_ROOT } from './paths.ts';
import { productionPackages, releaseFiles, releaseId } from './release.ts';

export interface Artifact {
  /** The release id: the tarball's name and what hosts record once it is unpacked. */
  id: string;
  /** The tarball on this machine. */
  file: string;
  bytes: number;
}

/** OWCTL_CACHE_DIR, else $XDG_CACHE_HOME/owctl, else ~/.cache/owctl. */
export function artifactCacheDir(): string {
  if (process.env.OWCTL_CACHE_DIR) return process.env.OWCTL_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'owctl');
}

async function build(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  const list = `${partial}.files`;
  await writeFile(list, `${[...releaseFiles(), ...productionPackages()].join('\n')}\n`);
  const tar = spawn(
    'tar',
    ['-C', REPO_ROOT, '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', '-T', list],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  tar.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number>((resolve, reject) => {
    tar.on('error', reject);
    tar.on('close', (code) => resolve(code ?? 1));
  });
  try {
    // Level 1: most of the size win at a fraction of the time; the link is rarely the bottleneck.
    await pipeline(tar.stdout, createGzip({ level: 1 }), createWriteStream(partial, { mode: 0o644 }));
    const code = await exited;
    if (code !== 0) throw new Error(`tar exited with ${code}: ${stderr.trim()}`);
    await rename(partial, file);
  } catch (err) {
    throw new Error(
      `building the release artifact ${file} from ${REPO_ROOT} failed: ${(err as Error).message}. ` +
        'Check that GNU tar is installed and the checkout is complete (`npm ci`).',
    );
  } finally {
    await rm(partial, { force: true });
    await rm(list, { force: true });
  }
}

let building: Promise<Artifact> | undefined;

/** The current release's tarball, built on first use (shared by every host of the run). */
export function releaseArtifact(): Promise<Artifact> {
  building ??= (async () => {
    const id = releaseId();
    const file = join(artifactCacheDir(), 'releases', `owctl-${id}.tar.gz`);
    const existing = await stat(file).catch(() => undefined);
    if (!existing) await build(file);
    return { id, file, bytes: (await stat(file)).size };
  })();
  building.catch(() => {
    building = undefined;
  });
  return building;
}
