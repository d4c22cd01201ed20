/**
 * Images as `docker load` archives, written without a builder: the image config (fixed creation
 * time, sorted keys) is hashed into the image id, so the same layers and config always give the
 * same id. Layers the engine already has may be left out of the archive: dockerd looks a layer up
 * by its chain id before it opens the file.
 */
import { createHash } from 'node:crypto';
import { stableJson } from '../docker/labels.ts';
import type { ImageRunConfig } from './recipe.ts';
import { FIXED_MTIME, type TarEntry, tarChunks, tarSize } from './tar.ts';

export interface ArchiveLayer {
  /** sha256:… of the layer tar. */
  diffId: string;
  size: number;
  /** The layer tar's entries; undefined when the engine already has the layer. */
  entries?: TarEntry[];
}

const CREATED = new Date(FIXED_MTIME * 1000).toISOString();

/** The image config's exact bytes; its sha256 is the image id. */
export function imageConfig(config: ImageRunConfig, layers: { name: string; diffId: string }[]): Buffer {
  return Buffer.from(
    stableJson({
      architecture: 'amd64',
      os: 'linux',
      created: CREATED,
      config,
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((l) => ({ created: CREATED, created_by: `owctl layer ${l.name}` })),
    }),
  );
}

export function sha256Id(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The archive's entries: manifest.json, the config, and the layer tars not left out. */
export function archiveEntries(ref: string, config: Buffer, layers: ArchiveLayer[]): TarEntry[] {
  const configName = `${sha256Id(config).slice(7)}.json`;
  const layerPath = (l: ArchiveLayer) => `${l.diffId.slice(7)}/layer.tar`;
  const manifest = Buffer.from(
    JSON.stringify([{ Config: configName, RepoTags: [ref], Layers: layers.map(layerPath) }]),
  );
  const entries: TarEntry[] = [
    { path: 'manifest.json', type: 'file', mode: 0o644, size: manifest.length, content: manifest },
    { path: configName, type: 'file', mode: 0o644, size: config.length, content: config },
  ];
  for (const l of layers) {
    const layerEntries = l.entries;
    if (!layerEntries) continue;
    entries.push({ path: l.diffId.slice(7), type: 'dir', mode: 0o755 });
    entries.push({
      path: layerPath(l),
      type: 'file',
      mode: 0o644,
      size: tarSize(layerEntries),
      generate: () => tarChunks(layerEntries),
    });
  }
  return entries;
}

/** The sha256 diff id and size of a layer tar, by writing it into the hash. */
export async function layerDigest(entries: TarEntry[]): Promise<{ diffId: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of tarChunks(entries)) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { diffId: `sha256:${hash.digest('hex')}`, size };
}
