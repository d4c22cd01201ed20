/**
 * Builds image recipes into a docker engine with no registry and no builder: each layer is a
 * deterministic tar of this machine's files, each image a `docker load` archive whose id is the
 * hash of its config. Work is skipped at every level: a layer whose files' metadata did not change
 * reuses its recorded digest (layers.json in the cache folder), an image whose id is already
 * tagged is left alone, and layers the engine has are not sent again.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { unlessMissing } from '../docker/labels.ts';
import { followProgress } from '../docker/progress.ts';
import { type ArchiveLayer, archiveEntries, imageConfig, layerDigest, sha256Id } from './archive.ts';
import type { ImageRecipe } from './recipe.ts';
import type { TarEntry } from './tar.ts';
import { tarChunks } from './tar.ts';

/** Label on every image owctl builds: its recipe name. */
export const IMAGE_LABEL = 'owctl.image';

export interface BuildOptions {
  docker: Dockerode;
  /** The owctl checkout the recipes read from. */
  root: string;
  prefix: string;
  tag: string;
  /** Where layer digests are remembered between runs. */
  cacheDir: string;
  /** Report only: compute ids and compare, change nothing. */
  check?: boolean;
  log?: (line: string) => void;
}

export type BuildStatus = 'up to date' | 'built' | 'tagged' | 'would build';

export interface BuiltImage {
  name: string;
  ref: string;
  id: string;
  status: BuildStatus;
  /** Sum of the layer sizes (uncompressed). */
  bytes: number;
  /** Bytes sent to the engine (layers it did not have). */
  sentBytes: number;
  ms: number;
}

interface CachedLayer {
  diffId: string;
  size: number;
}

export function imageRefOf(prefix: string, name: string, tag: string): string {
  return `${prefix}/${name}:${tag}`;
}

export async function buildImages(recipes: ImageRecipe[], opts: BuildOptions): Promise<BuiltImage[]> {
  const cache = new LayerCache(opts.cacheDir);
  const known = new KnownLayers(opts.docker);
  const out: BuiltImage[] = [];
  try {
    for (const recipe of recipes) out.push(await buildImage(recipe, opts, cache, known));
  } finally {
    cache.save();
  }
  if (!opts.check) await removeSuperseded(opts.docker);
  return out;
}

/**
 * Earlier builds nothing is tagged with any more; those a container still runs stay (the engine
 * refuses) and go on a later build.
 */
async function removeSuperseded(docker: Dockerode): Promise<void> {
  const dangling = await docker.listImages({
    filters: JSON.stringify({ dangling: ['true'], label: [IMAGE_LABEL] }),
  });
  for (const image of dangling) {
    await docker
      .getImage(image.Id)
      .remove()
      .catch(() => {});
  }
}

async function buildImage(
  recipe: ImageRecipe,
  opts: BuildOptions,
  cache: LayerCache,
  known: KnownLayers,
): Promise<BuiltImage> {
  const started = Date.now();
  const ref = imageRefOf(opts.prefix, recipe.name, opts.tag);
  const layers: (CachedLayer & { name: string; entries: TarEntry[] })[] = [];
  for (const l of recipe.layers) {
    const files = await l.files(opts.root);
    const entries = files.list();
    const key = files.key();
    let digest = cache.get(key);
    if (!digest) {
      opts.log?.(`hashing layer ${l.name} (${entries.length} files)`);
      digest = await layerDigest(entries);
      cache.set(key, digest);
    }
    layers.push({ name: l.name, entries, ...digest });
  }
  const config = imageConfig(
    { ...recipe.config, Labels: { ...recipe.config.Labels, [IMAGE_LABEL]: recipe.name } },
    layers,
  );
  const id = sha256Id(config);
  const bytes = layers.reduce((n, l) => n + l.size, 0);
  const result = (status: BuildStatus, sentBytes = 0): BuiltImage => ({
    name: recipe.name,
    ref,
    id,
    status,
    bytes,
    sentBytes,
    ms: Date.now() - started,
  });

  const { docker } = opts;
  const current = await unlessMissing(docker.getImage(ref).inspect());
  if (current?.Id === id) return result('up to date');
  if (opts.check) return result('would build');
  if (await unlessMissing(docker.getImage(id).inspect())) {
    await docker.getImage(id).tag({ repo: ref.slice(0, ref.lastIndexOf(':')), tag: opts.tag });
    await removeIfUntagged(docker, current?.Id);
    return result('tagged');
  }
  const have = await known.chains(current);
  const diffIds = layers.map((l) => l.diffId);
  const send = (all: boolean): ArchiveLayer[] =>
    layers.map((l, i) => ({
      diffId: l.diffId,
      size: l.size,
      entries: all || !have.has(diffIds.slice(0, i + 1).join(',')) ? l.entries : undefined,
    }));
  let archive = send(false);
  opts.log?.(`loading ${ref} (${archive.filter((l) => l.entries).length} of ${layers.length} layers sent)`);
  try {
    await load(docker, ref, config, archive);
  } catch (err) {
    // A layer thought present may have been removed since: send everything once more.
    if (archive.every((l) => l.entries)) throw err;
    archive = send(true);
    await load(docker, ref, config, archive);
  }
  const loaded = await docker.getImage(ref).inspect();
  if (loaded.Id !== id) {
    throw new Error(
      `docker loaded ${ref} as ${loaded.Id}, expected ${id}; the engine rewrote the image config`,
    );
  }
  known.add(diffIds);
  await removeIfUntagged(docker, current?.Id);
  return result(
    'built',
    archive.reduce((n, l) => n + (l.entries ? l.size : 0), 0),
  );
}

async function load(docker: Dockerode, ref: string, config: Buffer, layers: ArchiveLayer[]): Promise<void> {
  const stream = Readable.from(tarChunks(archiveEntries(ref, config, layers)));
  const response = await docker.loadImage(stream, { quiet: true });
  await followProgress(docker, response);
}

/** The previous image of a ref, once nothing is tagged with it; kept while a container uses it. */
async function removeIfUntagged(docker: Dockerode, id: string | undefined): Promise<void> {
  if (!id) return;
  const info = await unlessMissing(docker.getImage(id).inspect());
  if (!info || (info.RepoTags ?? []).length > 0) return;
  await docker
    .getImage(id)
    .remove()
    .catch(() => {});
}

/** Which layer chains the engine has, from the layers of the images owctl built there. */
class KnownLayers {
  private readonly prefixes = new Set<string>();
  private listed = false;

  constructor(private readonly docker: Dockerode) {}

  add(diffIds: string[]): void {
    for (let i = 1; i <= diffIds.length; i++) this.prefixes.add(diffIds.slice(0, i).join(','));
  }

  /** Comma-joined diff id prefixes present on the engine. */
  async chains(current: Dockerode.ImageInspectInfo | undefined): Promise<Set<string>> {
    if (current) this.add(current.RootFS.Layers ?? []);
    if (!this.listed) {
      this.listed = true;
      const images = await this.docker.listImages({ filters: JSON.stringify({ label: [IMAGE_LABEL] }) });
      for (const image of images) {
        const info = await unlessMissing(this.docker.getImage(image.Id).inspect());
        if (info) this.add(info.RootFS.Layers ?? []);
      }
    }
    return this.prefixes;
  }
}

/** Layer digests by layer key (file metadata), so unchanged layers are not read again. */
class LayerCache {
  /** Most recently used entries kept; older ones (superseded code layers) are dropped. */
  private static readonly LIMIT = 200;
  private readonly file: string;
  private entries: Record<string, CachedLayer & { used: number }> = {};
  private dirty = false;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'layers.json');
    try {
      this.entries = JSON.parse(readFileSync(this.file, 'utf8')) as typeof this.entries;
    } catch {}
  }

  get(key: string): CachedLayer | undefined {
    const found = this.entries[key];
    if (!found) return undefined;
    found.used = Date.now();
    this.dirty = true;
    return { diffId: found.diffId, size: found.size };
  }

  set(key: string, value: CachedLayer): void {
    this.entries[key] = { ...value, used: Date.now() };
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    const kept = Object.entries(this.entries)
      .sort(([, a], [, b]) => b.used - a.used)
      .slice(0, LayerCache.LIMIT);
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(kept)));
    renameSync(tmp, this.file);
  }
}
/** Layer digests live beside the environments' state: $OWCTL_HOME/image-cache (default ~/.owctl). */
export function imageCacheDir(): string {
  return join(process.env.OWCTL_HOME || join(homedir(), '.owctl'), 'image-cache');
}
