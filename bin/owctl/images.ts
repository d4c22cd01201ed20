/**
 * `owctl images build [-i ENV] [--only NAME…]`: builds the platform's images (controller, invoker,
 * gateway, store, action runtimes) from this machine's files into the docker engine, named
 * {docker.image.prefix}/<name>:{docker.image.tag} from the environment (default whisk/…:latest).
 * With -i, the engine is the one the environment's first host uses (docker.host, DOCKER_HOST, ssh).
 */
import type { Command } from 'commander';
import { dockerClient } from '../../engine/docker/client.ts';
import { dockerEngineFor, engineFailure, type HostEngine } from '../../engine/docker/host.ts';
import { type BuiltImage, buildImages, imageCacheDir } from '../../engine/images/build.ts';
import { loadEnvironment } from '../../engine/inventory/index.ts';
import { selectRecipes } from '../../images/index.ts';
import { REPO_ROOT } from '../../playbooks/lib/paths.ts';
import { UsageError } from './errors.ts';

interface ImagesBuildOptions {
  inventory?: string;
  only: string[];
  extraVars: string[];
  check?: boolean;
  json?: boolean;
}

interface Target {
  engine: HostEngine;
  prefix: string;
  tag: string;
  manifest?: string;
}

async function target(options: ImagesBuildOptions): Promise<Target> {
  if (!options.inventory) {
    const address = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
    return { engine: { docker: dockerClient(), address }, prefix: 'whisk', tag: 'latest' };
  }
  const inventory = await loadEnvironment(options.inventory, { extraVars: options.extraVars });
  const host = inventory.hosts.values().next().value;
  if (!host) throw new UsageError(`environment ${inventory.name} has no hosts; add one to its inventory`);
  const { image } = host.vars.docker;
  return {
    engine: await dockerEngineFor(host),
    prefix: image.prefix,
    tag: image.tag,
    manifest: host.vars.runtimes_manifest,
  };
}

function line(r: BuiltImage): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const sent = r.status === 'built' ? `, ${mb(r.sentBytes)} sent` : '';
  return `${r.status.padEnd(11)} ${r.ref.padEnd(40)} ${r.id.slice(7, 19)}  ${mb(r.bytes)}${sent}  ${r.ms} ms`;
}

export function registerImagesCommand(program: Command): void {
  const images = program.command('images').description("build the platform's docker images");
  images
    .command('build')
    .description('build the service and runtime images from this machine (no registry needed)')
    .option('-i, --inventory <env>', 'take prefix, tag and docker engine from this environment')
    .option('--only <name>', 'build only this image (repeatable)', (v: string, a: string[]) => [...a, v], [])
    .option(
      '-e, --extra-vars <vars>',
      'set variables: k=v, @file.yml or JSON (repeatable)',
      (v: string, a: string[]) => [...a, v],
      [],
    )
    .option('-C, --check', 'only report which images would be built')
    .option('--json', 'print one JSON object per image')
    .action(async (options: ImagesBuildOptions) => {
      const t = await target(options);
      const recipes = (() => {
        try {
          return selectRecipes(options.only, t.manifest);
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
      })();
      let built: BuiltImage[];
      try {
        built = await buildImages(recipes, {
          docker: t.engine.docker,
          root: REPO_ROOT,
          prefix: t.prefix,
          tag: t.tag,
          cacheDir: imageCacheDir(),
          check: options.check,
          log: options.json ? undefined : (l) => process.stderr.write(`  ${l}\n`),
        });
      } catch (err) {
        throw new UsageError(engineFailure(err, t.engine, 'build images'));
      }
      for (const r of built) process.stdout.write(`${options.json ? JSON.stringify(r) : line(r)}\n`);
      process.exitCode = options.check && built.some((r) => r.status === 'would build') ? 2 : 0;
    });
  for (const command of images.commands) command.exitOverride();
}
