/**
 * owctl_images: the platform's images are present on the host's docker engine, named
 * {prefix}/<name>:{tag}. Built from this machine's files (engine/images/build.ts: unchanged images
 * report ok), or, when a registry is named, pulled from {registry}/{prefix}/<name>:{tag} as
 * docker_image would. Check mode reports what would be built or pulled.
 */
import { dockerEngineFor, engineFailure, type HostEngine } from '../docker/host.ts';
import { dockerImageModule } from '../modules/docker_image.ts';
import { type ArgsOf, call, type Module, type ModuleCall } from '../modules/module.ts';
import { changed, failed, ok } from '../modules/results.ts';
import { buildImages, imageCacheDir, imageRefOf } from './build.ts';
import type { ImageRecipe } from './recipe.ts';

export interface OwctlImagesArgs {
  recipes: ImageRecipe[];
  prefix: string;
  tag: string;
  /** Pull from this registry instead of building. */
  registry?: string;
  /** The checkout the recipes read from. */
  root: string;
}

/** The name containers use for an image: with the registry when images come from one. */
export function platformImageRef(
  name: string,
  a: Pick<OwctlImagesArgs, 'prefix' | 'tag' | 'registry'>,
): string {
  return `${a.registry ? `${a.registry}/` : ''}${imageRefOf(a.prefix, name, a.tag)}`;
}

const owctlImagesModule: Module<OwctlImagesArgs> = {
  name: 'owctl_images',
  checkMode: 'full',
  async run(args, ctx) {
    if (args.registry) {
      const msgs: string[] = [];
      let anyChanged = false;
      for (const recipe of args.recipes) {
        const res = await dockerImageModule.run(
          { name: platformImageRef(recipe.name, args), source: 'pull' },
          ctx,
        );
        if (res.status === 'failed') return res;
        anyChanged ||= res.status === 'changed';
        if (res.msg) msgs.push(res.msg);
      }
      return anyChanged ? changed(msgs.join('; ')) : ok(msgs.join('; '));
    }
    let engine: HostEngine | undefined;
    try {
      engine = await dockerEngineFor(ctx.host);
      const built = await buildImages(args.recipes, {
        docker: engine.docker,
        root: args.root,
        prefix: args.prefix,
        tag: args.tag,
        cacheDir: imageCacheDir(),
        check: ctx.check,
        log: ctx.log,
      });
      const todo = built.filter((b) => b.status !== 'up to date');
      const summary = built.map((b) => `${b.ref} ${b.status}`).join(', ');
      return todo.length ? changed(summary, { images: built }) : ok(summary, { images: built });
    } catch (err) {
      return failed(engineFailure(err, engine, `build images ${args.recipes.map((r) => r.name).join(', ')}`));
    }
  },
};

export function owctlImages(args: ArgsOf<OwctlImagesArgs>): ModuleCall<OwctlImagesArgs> {
  return call(owctlImagesModule, args);
}
