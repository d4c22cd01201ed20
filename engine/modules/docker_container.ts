/**
 * docker_container (Ansible's community.docker.docker_container): a named container with the
 * desired config and state (started | stopped | absent) on the host's docker engine. The desired
 * config's hash is stored as the label owctl.config-hash; the container is recreated only when
 * that hash or the image id differs (or `recreate` is set), otherwise merely started or stopped.
 * Check mode reports what would change; diff mode names the changed keys (secrets masked).
 */
import type Dockerode from 'dockerode';
import {
  type ContainerSpec,
  type ContainerSpecArgs,
  changedKeys,
  containerSpec,
  createOptions,
  describeKeys,
} from '../docker/container-spec.ts';
import { dockerEngineFor, engineFailure, type HostEngine } from '../docker/host.ts';
import { CONFIG_HASH_LABEL, CONFIG_LABEL, unlessMissing } from '../docker/labels.ts';
import {
  type ArgsOf,
  call,
  type Diff,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from './module.ts';
import { changed, errorMessage, failed, ok } from './results.ts';

export interface DockerContainerArgs extends ContainerSpecArgs {
  state?: 'started' | 'stopped' | 'absent';
  /** Recreate even when nothing changed. */
  recreate?: boolean;
  /** Seconds to wait for a graceful stop before the engine kills the container (default 10). */
  stop_timeout?: number;
}

async function runDockerContainer(args: DockerContainerArgs, ctx: ModuleContext): Promise<ModuleResult> {
  let spec: ContainerSpec | undefined;
  if ((args.state ?? 'started') !== 'absent') {
    if (!args.image) return failed(`docker_container ${args.name}: image is required unless state is absent`);
    try {
      spec = containerSpec(args, args.image);
    } catch (err) {
      return failed(errorMessage(err));
    }
  }
  let engine: HostEngine | undefined;
  try {
    engine = await dockerEngineFor(ctx.host);
    return await converge(engine, args, spec, ctx);
  } catch (err) {
    return failed(engineFailure(err, engine, `manage container ${args.name} for host ${ctx.host.name}`));
  }
}

async function converge(
  engine: HostEngine,
  args: DockerContainerArgs,
  spec: ContainerSpec | undefined,
  ctx: ModuleContext,
): Promise<ModuleResult> {
  const { docker } = engine;
  const container = docker.getContainer(args.name);
  const current = await unlessMissing(container.inspect());
  const state = args.state ?? 'started';
  const stopTimeout = args.stop_timeout ?? 10;

  if (state === 'absent') {
    if (!current) return ok(`container ${args.name} is absent`);
    if (!ctx.check) await removeContainer(container, current, stopTimeout);
    return withDiff(
      changed(`${ctx.check ? 'would remove' : 'removed'} container ${args.name}`),
      ctx,
      args.name,
      'present\n',
      'absent\n',
    );
  }

  if (!spec || !args.image) throw new Error(`docker_container ${args.name}: no desired config`);
  const image = await unlessMissing(docker.getImage(args.image).inspect());
  if (!image && !ctx.check) {
    return failed(
      `docker_container ${args.name}: image ${args.image} is not on the docker engine at ${engine.address}; ` +
        'add a docker_image task before this one',
    );
  }

  const keys = current
    ? changedKeys(current.Config.Labels?.[CONFIG_LABEL], spec.display)
    : Object.keys(spec.display);
  const configChanged = !current || current.Config.Labels?.[CONFIG_HASH_LABEL] !== spec.hash;
  const imageChanged = current !== undefined && image !== undefined && current.Image !== image.Id;
  if (imageChanged && !keys.includes('image')) keys.unshift('image');

  if (!current || configChanged || imageChanged || args.recreate) {
    const why = !current
      ? 'created'
      : args.recreate && !configChanged && !imageChanged
        ? 'recreated (forced)'
        : `recreated (${keys.join(', ') || 'config'} changed)`;
    const before = current ? describeKeys(recordedDisplay(current), keys) : '';
    const after = describeKeys(spec.display, keys);
    if (ctx.check)
      return withDiff(changed(`container ${args.name} would be ${why}`), ctx, args.name, before, after);
    if (current) await removeContainer(container, current, stopTimeout);
    const created = await docker.createContainer(createOptions(args.name, spec));
    if (state === 'started') await created.start();
    const id = created.id;
    return withDiff(
      changed(`container ${args.name} ${why}${state === 'started' ? ' and started' : ''}`, {
        id,
        image_id: image?.Id,
      }),
      ctx,
      args.name,
      before,
      after,
    );
  }

  const data = { id: current.Id, image_id: current.Image };
  const running = current.State.Running;
  if ((state === 'started') !== running) {
    if (!ctx.check) await (state === 'started' ? container.start() : container.stop({ t: stopTimeout }));
    return withDiff(
      changed(`container ${args.name} ${ctx.check ? 'would be ' : ''}${state}`, data),
      ctx,
      args.name,
      `${running ? 'started' : 'stopped'}\n`,
      `${state}\n`,
    );
  }
  return ok(`container ${args.name} is up to date and ${state}`, data);
}

function recordedDisplay(current: Dockerode.ContainerInspectInfo): Record<string, unknown> {
  try {
    return JSON.parse(current.Config.Labels?.[CONFIG_LABEL] ?? '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

async function removeContainer(
  container: Dockerode.Container,
  current: Dockerode.ContainerInspectInfo,
  stopTimeout: number,
): Promise<void> {
  // Stop gracefully first, like `docker rm -f` does not: the service gets its SIGTERM.
  if (current.State.Running) await unlessMissing(container.stop({ t: stopTimeout }).catch(ignoreNotRunning));
  await unlessMissing(container.remove({ force: true, v: true }));
}

function ignoreNotRunning(err: unknown): void {
  if ((err as { statusCode?: number }).statusCode !== 304) throw err;
}

function withDiff(
  result: ModuleResult,
  ctx: ModuleContext,
  name: string,
  before: string,
  after: string,
): ModuleResult {
  const diff: Diff[] = [{ target: `container ${name}`, before, after }];
  return ctx.diff ? { ...result, diff } : result;
}

export const dockerContainerModule: Module<DockerContainerArgs> = {
  name: 'docker_container',
  checkMode: 'full',
  run: runDockerContainer,
};

export function dockerContainer(args: ArgsOf<DockerContainerArgs>): ModuleCall<DockerContainerArgs> {
  return call(dockerContainerModule, args);
}
