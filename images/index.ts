/**
 * owctl's images, built from this machine's files by `owctl images build` (engine/images):
 *   controller, invoker, gateway, store  the platform services (node + the code they import)
 *   action-nodejs-v20, action-python-…   the action runtimes named in services/runtimes/runtimes.json
 * Every image is os + an interpreter layer + its own layers, so the big layers are stored once
 * and a code change rebuilds only the small last layer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageClosure, sourceGraph } from '../engine/images/npm.ts';
import { type ImageRecipe, layer } from '../engine/images/recipe.ts';
import { LayerFiles } from '../engine/images/rootfs.ts';
import { DEFAULT_RUNTIMES_MANIFEST, loadRuntimeManifest } from '../services/runtimes/manifest.ts';
import { nodeLayer, osLayer, pythonLayer } from './layers.ts';

/** Where the checkout lives inside service images. */
export const APP_DIR = '/app';
/** Where a service container finds its config file (mounted read-only by the deploy). */
export const CONFIG_PATH = '/etc/owctl/config.json';

const PATH = 'PATH=/usr/local/bin:/usr/bin:/bin';
/** Files every service needs besides what its entry point imports. */
const RUNNER = ['bin/run-ts.js', 'package.json', 'tsconfig.json'];

export type ServiceName = 'controller' | 'invoker' | 'gateway' | 'store';

const SERVICES: Record<ServiceName, { entry: string; description: string }> = {
  controller: {
    entry: 'services/controller/main.ts',
    description: 'the REST API, load balancer and throttles',
  },
  invoker: { entry: 'services/invoker/main.ts', description: 'runs activations in action containers' },
  gateway: { entry: 'services/gateway/main.ts', description: 'the edge in front of the controllers' },
  store: { entry: 'services/store/main.ts', description: 'the CouchDB-compatible store' },
};

/** A service's own files: what its entry point reaches, plus the runtimes manifest and proxies it reads. */
function serviceSources(root: string, name: ServiceName) {
  return sourceGraph(root, [SERVICES[name].entry, 'bin/run-ts.js', 'services/runtimes/runtimes.json']);
}

/**
 * The code of every service in one layer shared by the service images: all of services/ (their
 * data files too, e.g. catalog actions), what they import from elsewhere, and the runner. Read
 * when listed, so an edit while the image is being written cannot tear the layer.
 */
const codeLayer = layer('services-code', async (root) => {
  const files = new LayerFiles();
  const graphs = (Object.keys(SERVICES) as ServiceName[]).map((name) => serviceSources(root, name).files);
  const all = new Set([...listFiles(root, 'services'), ...graphs.flat(), ...RUNNER]);
  for (const file of [...all].sort()) files.content(`${APP_DIR}/${file}`, readFileSync(join(root, file)));
  return files;
});

function listFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

function serviceImage(name: ServiceName): ImageRecipe {
  const deps = layer(`${name}-packages`, async (root) => {
    const graph = serviceSources(root, name);
    const files = new LayerFiles();
    for (const dir of packageClosure(root, graph.packages)) {
      files.tree(
        join(root, dir),
        `${APP_DIR}/${dir}`,
        (p) => p === 'node_modules' || p.startsWith('node_modules/'),
      );
    }
    return files;
  });
  return {
    name,
    description: SERVICES[name].description,
    layers: [osLayer, nodeLayer, deps, codeLayer],
    config: {
      Entrypoint: ['/usr/bin/node', `${APP_DIR}/bin/run-ts.js`],
      Cmd: [`${APP_DIR}/${SERVICES[name].entry}`, CONFIG_PATH],
      Env: [PATH, 'NODE_ENV=production'],
      WorkingDir: APP_DIR,
    },
  };
}

/** The action proxy of a runtime family, in /action. */
const proxyLayer = (family: string, file: string) =>
  layer(`${family}-proxy`, async (root) =>
    new LayerFiles().file(join(root, 'services/runtimes', family, file), `/action/${file}`, 0o644),
  );

const RUNTIME_FAMILIES: Record<string, Omit<ImageRecipe, 'name'>> = {
  nodejs: {
    description: 'the Node.js action runtime',
    layers: [osLayer, nodeLayer, proxyLayer('nodejs', 'proxy.mjs')],
    config: { Cmd: ['/usr/bin/node', '/action/proxy.mjs'], Env: [PATH], WorkingDir: '/action' },
  },
  python: {
    description: 'the Python action runtime',
    layers: [osLayer, pythonLayer, proxyLayer('python', 'proxy.py')],
    config: {
      Cmd: ['/usr/bin/python3', '-u', '/action/proxy.py'],
      Env: [PATH, 'PYTHONDONTWRITEBYTECODE=1'],
      WorkingDir: '/action',
    },
  },
};

/** One image per runtime image name in the manifest, for the families owctl has proxies for. */
function runtimeImages(manifestPath = DEFAULT_RUNTIMES_MANIFEST): ImageRecipe[] {
  const byName = new Map<string, ImageRecipe>();
  for (const kind of loadRuntimeManifest(manifestPath).kinds.values()) {
    const family = RUNTIME_FAMILIES[kind.family];
    if (family && !byName.has(kind.image.name))
      byName.set(kind.image.name, { name: kind.image.name, ...family });
  }
  return [...byName.values()];
}

/** Every image owctl builds, services first. */
export function imageRecipes(manifestPath?: string): ImageRecipe[] {
  return [...(Object.keys(SERVICES) as ServiceName[]).map(serviceImage), ...runtimeImages(manifestPath)];
}

/** The recipes with these names; throws naming the known ones for an unknown name. */
export function selectRecipes(names: string[], manifestPath?: string): ImageRecipe[] {
  const all = imageRecipes(manifestPath);
  const unknown = names.filter((n) => !all.some((r) => r.name === n));
  if (unknown.length) {
    throw new Error(
      `no image named ${unknown.join(', ')}; owctl builds: ${all.map((r) => r.name).join(', ')}`,
    );
  }
  return names.length ? all.filter((r) => names.includes(r.name)) : all;
}
