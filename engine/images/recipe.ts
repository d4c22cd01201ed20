/**
 * An image recipe: layers gathered from this machine's files (no registry, no base image) and the
 * image config. Layers with the same name are shared by every image that lists them, so dockerd
 * stores them once.
 */
import type { LayerFiles } from './rootfs.ts';

export interface LayerRecipe {
  /** Unique among all recipes, e.g. "os", "node", "controller-code". */
  name: string;
  /** The layer's files, from the checkout at `root`. */
  files(root: string): Promise<LayerFiles>;
}

/** The image config docker runs containers with (the `config` of an image's JSON). */
export interface ImageRunConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Labels?: Record<string, string>;
}

export interface ImageRecipe {
  /** The image's name without prefix and tag, e.g. "controller", "action-nodejs-v20". */
  name: string;
  description: string;
  layers: LayerRecipe[];
  config: ImageRunConfig;
}

/** A layer whose files are computed once per process, however many images list it. */
export function layer(name: string, files: (root: string) => Promise<LayerFiles>): LayerRecipe {
  const memo = new Map<string, Promise<LayerFiles>>();
  return {
    name,
    files(root) {
      let found = memo.get(root);
      if (!found) {
        found = files(root);
        memo.set(root, found);
        found.catch(() => memo.delete(root));
      }
      return found;
    },
  };
}
