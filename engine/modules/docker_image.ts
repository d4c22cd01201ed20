/**
 * docker_image (Ansible's community.docker.docker_image): make sure an image name:tag exists on
 * the host's docker engine. Built from a context directory on the controller, imported from a
 * rootfs tarball on the controller, or pulled. Built and imported images carry a content-hash
 * label, so an unchanged context or tarball is not rebuilt; `force` rebuilds/re-pulls anyway.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import { type BuildContext, readBuildContext } from '../docker/context.ts';
import { dockerEngineFor, engineFailure, type HostEngine } from '../docker/host.ts';
import { CONTENT_HASH_LABEL, sha256Hex, stableJson, unlessMissing } from '../docker/labels.ts';
import { followProgress } from '../docker/progress.ts';
import {
  type ArgsOf,
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from './module.ts';
import { controllerPath } from './paths.ts';
import { changed, errorMessage, failed, ok, tail } from './results.ts';

export interface DockerImageArgs {
  /** repository[:tag]; the tag defaults to latest. */
  name: string;
  state?: 'present' | 'absent';
  /** Default: build when `build` is given, import when `import` is given, else pull. */
  source?: 'build' | 'import' | 'pull';
  /** Build context on the controller (relative paths: from the owctl checkout). */
  build?: { path: string; dockerfile?: string; args?: Record<string, string> };
  /** A rootfs tarball on the controller (`docker import`), with optional Dockerfile-style changes. */
  import?: { path: string; changes?: string[] };
  /** Rebuild / re-import / re-pull even when the image is up to date. */
  force?: boolean;
}

export function imageRef(name: string): string {
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  return lastSegment.includes(':') || name.includes('@') ? name : `${name}:latest`;
}

async function runDockerImage(args: DockerImageArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const ref = imageRef(args.name);
  let engine: HostEngine | undefined;
  try {
    engine = await dockerEngineFor(ctx.host);
    const current = await unlessMissing(engine.docker.getImage(ref).inspect());
    if ((args.state ?? 'present') === 'absent') return await removeImage(engine, ref, current, ctx.check);
    const source = args.source ?? (args.build ? 'build' : args.import ? 'import' : 'pull');
    if (source === 'pull') return await pullImage(engine, ref, current, args, ctx);
    const wanted = await contentHash(source, args);
    if (!wanted.ok) return wanted.result;
    const have = current?.Config?.Labels?.[CONTENT_HASH_LABEL];
    if (current && have === wanted.hash && !args.force) {
      return ok(`image ${ref} is up to date`, { image_id: current.Id });
    }
    const why = !current ? 'missing' : have === wanted.hash ? 'forced' : 'content changed';
    if (ctx.check) return changed(`would ${source} image ${ref} (${why})`);
    ctx.log(`${source === 'build' ? 'building' : 'importing'} ${ref} (${why}) on ${engine.address}`);
    const output =
      source === 'build'
        ? await buildImage(engine.docker, ref, args, wanted.context!, wanted.hash)
        : await importImage(engine.docker, ref, args, wanted.hash);
    const built = await engine.docker.getImage(ref).inspect();
    ctx.log(tail(output.join('\n'), 5));
    return changed(`${source === 'build' ? 'built' : 'imported'} image ${ref} (${why})`, {
      image_id: built.Id,
    });
  } catch (err) {
    const output = (err as { output?: string[] }).output;
    return failed(engineFailure(err, engine, `make image ${ref} present`), {
      stdout: output ? tail(output.join('\n')) : undefined,
    });
  }
}

type HashResult = { ok: true; hash: string; context?: BuildContext } | { ok: false; result: ModuleResult };

async function contentHash(source: 'build' | 'import', args: DockerImageArgs): Promise<HashResult> {
  if (source === 'build') {
    if (!args.build)
      return { ok: false, result: failed(`docker_image ${args.name}: source build needs build.path`) };
    const dockerfile = args.build.dockerfile ?? 'Dockerfile';
    try {
      const ctx = await readBuildContext(controllerPath(args.build.path), dockerfile, {
        args: args.build.args ?? {},
      });
      if (!ctx.files.includes(dockerfile)) {
        return {
          ok: false,
          result: failed(`docker_image ${args.name}: no ${dockerfile} in build context ${ctx.dir}`),
        };
      }
      return { ok: true, hash: ctx.hash, context: ctx };
    } catch (err) {
      return {
        ok: false,
        result: failed(`docker_image ${args.name}: cannot read build context: ${errorMessage(err)}`),
      };
    }
  }
  if (!args.import)
    return { ok: false, result: failed(`docker_image ${args.name}: source import needs import.path`) };
  const path = controllerPath(args.import.path);
  try {
    const bytes = await readFile(path);
    return {
      ok: true,
      hash: sha256Hex(stableJson({ tar: sha256Hex(bytes), changes: args.import.changes ?? [] })),
    };
  } catch (err) {
    return {
      ok: false,
      result: failed(`docker_image ${args.name}: cannot read tarball ${path}: ${errorMessage(err)}`),
    };
  }
}

async function buildImage(
  docker: Dockerode,
  ref: string,
  args: DockerImageArgs,
  ctx: BuildContext,
  hash: string,
): Promise<string[]> {
  const build = args.build!;
  const dockerfile = build.dockerfile ?? 'Dockerfile';
  const stream = await docker.buildImage(
    { context: ctx.dir, src: ctx.files },
    {
      t: ref,
      dockerfile,
      buildargs: build.args,
      labels: { [CONTENT_HASH_LABEL]: hash },
      rm: true,
      forcerm: true,
    },
  );
  return await followProgress(docker, stream);
}

async function importImage(
  docker: Dockerode,
  ref: string,
  args: DockerImageArgs,
  hash: string,
): Promise<string[]> {
  const imp = args.import!;
  const at = ref.lastIndexOf(':');
  const changes = [...(imp.changes ?? []), `LABEL ${CONTENT_HASH_LABEL}=${hash}`];
  const opts = { repo: ref.slice(0, at), tag: ref.slice(at + 1), changes };
  // The typings lack import options; the engine reads repo, tag and changes from the query.
  const stream = await docker.importImage(createReadStream(controllerPath(imp.path)), opts as object);
  return await followProgress(docker, stream);
}

async function pullImage(
  engine: HostEngine,
  ref: string,
  current: Dockerode.ImageInspectInfo | undefined,
  args: DockerImageArgs,
  ctx: ModuleContext,
): Promise<ModuleResult> {
  if (current && !args.force) return ok(`image ${ref} is present`, { image_id: current.Id });
  if (ctx.check) return changed(`would pull image ${ref}`);
  ctx.log(`pulling ${ref} on ${engine.address}`);
  const stream = await engine.docker.pull(ref);
  await followProgress(engine.docker, stream);
  const pulled = await engine.docker.getImage(ref).inspect();
  if (current?.Id === pulled.Id) return ok(`image ${ref} is up to date`, { image_id: pulled.Id });
  return changed(`pulled image ${ref}`, { image_id: pulled.Id });
}

async function removeImage(
  engine: HostEngine,
  ref: string,
  current: Dockerode.ImageInspectInfo | undefined,
  check: boolean,
): Promise<ModuleResult> {
  if (!current) return ok(`image ${ref} is absent`);
  if (check) return changed(`would remove image ${ref}`);
  await engine.docker.getImage(ref).remove();
  return changed(`removed image ${ref}`);
}

export const dockerImageModule: Module<DockerImageArgs> = {
  name: 'docker_image',
  checkMode: 'full',
  run: runDockerImage,
};

export function dockerImage(args: ArgsOf<DockerImageArgs>): ModuleCall<DockerImageArgs> {
  return call(dockerImageModule, args);
}
