/**
 * The docker container factory against a real dockerd and the runtime images `owctl images build`
 * makes: cold start, warm reuse, logs up to the sentinel, pause/resume, timeout kill, memory
 * limit, names and labels, leftover cleanup, host and bridge networking.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../../engine/docker/client.ts';
import { createDockerFactory, INVOKER_LABEL } from '../../../services/invoker/factories/docker.ts';
import {
  type Container,
  ContainerExitedError,
  type ContainerFactory,
  ContainerTimeoutError,
} from '../../../services/invoker/factory.ts';
import { loadRuntimeManifest, requireKind } from '../../../services/runtimes/manifest.ts';
import { ensureDockerd } from '../../support/dockerd.ts';
import { ensureImages, IMAGE_PREFIX, IMAGE_TAG } from './images.ts';

const available = await ensureDockerd();
const manifest = loadRuntimeManifest();
const nodejs = requireKind(manifest, 'nodejs:20');
const python = requireKind(manifest, 'python:3');
const docker = dockerClient();
const logger = pino({ level: 'silent' });

function factory(invokerId: string, network = 'host'): Promise<ContainerFactory> {
  return createDockerFactory({
    docker,
    engine: 'local socket',
    invokerId,
    imagePrefix: IMAGE_PREFIX,
    imageTag: IMAGE_TAG,
    network,
    pidsLimit: 64,
    logger,
  });
}

const uid = () => `t${randomBytes(3).toString('hex')}`;

describe.skipIf(!available)('docker container factory', () => {
  const made: ContainerFactory[] = [];
  const make = async (id: string, network?: string) => {
    const f = await factory(id, network);
    made.push(f);
    return f;
  };

  beforeAll(async () => {
    await ensureImages(['action-nodejs-v20', 'action-python-v3.11']);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(made.map((f) => f.close()));
  });

  it('cold starts a named, labelled, memory-limited container and reuses it warm', async () => {
    const id = uid();
    const f = await make(id);
    const started = Date.now();
    const c = await f.create({ kind: nodejs, memoryMB: 128, env: { __OW_API_HOST: 'http://x' }, name: 'n' });
    const init = await c.init(
      {
        value: { code: 'let n = 0; function main(a) { console.log("hi", a.x); return { n: ++n, x: a.x } }' },
      },
      5000,
    );
    expect(init.status).toBe(200);
    expect((await c.run({ value: { x: 1 } }, 5000)).body).toEqual({ n: 1, x: 1 });
    const coldMs = Date.now() - started;
    expect(await c.logs({ limitBytes: 1 << 20, waitForSentinel: true })).toEqual([
      expect.stringMatching(/Z stdout: hi 1$/),
    ]);
    // Warm: the same container keeps the action's state.
    expect((await c.run({ value: { x: 2 } }, 5000)).body).toEqual({ n: 2, x: 2 });

    expect(c.name).toMatch(new RegExp(`^wsk${id}_\\d+_nodejs_20$`));
    const info = await docker.getContainer(c.name).inspect();
    expect(info.Config.Labels[INVOKER_LABEL]).toBe(id);
    expect(info.Config.Image).toBe(`${IMAGE_PREFIX}/action-nodejs-v20:${IMAGE_TAG}`);
    expect(info.HostConfig.Memory).toBe(128 * 1024 * 1024);
    expect(info.HostConfig.MemorySwap).toBe(128 * 1024 * 1024);
    expect(info.HostConfig.PidsLimit).toBe(64);
    expect(coldMs).toBeLessThan(5000);
    await c.destroy();
    await expect(docker.getContainer(c.name).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('pauses an idle container and resumes it for the next activation', async () => {
    const f = await make(uid());
    const c = await f.create({ kind: python, memoryMB: 128, env: {}, name: 'p' });
    try {
      await c.init({ value: { code: 'def main(a):\n    return {"twice": a["n"] * 2}\n' } }, 5000);
      await c.suspend();
      expect((await docker.getContainer(c.name).inspect()).State.Paused).toBe(true);
      const t = Date.now();
      await c.resume();
      expect((await c.run({ value: { n: 21 } }, 5000)).body).toEqual({ twice: 42 });
      expect(Date.now() - t).toBeLessThan(1000);
      expect((await docker.getContainer(c.name).inspect()).State.Paused).toBe(false);
    } finally {
      await c.destroy();
    }
  });

  it('kills the container when an activation passes its time limit', async () => {
    const f = await make(uid());
    const c = await f.create({ kind: nodejs, memoryMB: 128, env: {}, name: 't' });
    try {
      await c.init({ value: { code: 'function main() { for (;;) {} }' } }, 5000);
      const err = await c.run({ value: {} }, 500).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ContainerTimeoutError);
      expect(c.alive).toBe(false);
      expect((await docker.getContainer(c.name).inspect()).State.Running).toBe(false);
    } finally {
      await c.destroy();
    }
  });

  it('enforces the memory limit: an action that allocates past it is killed', async () => {
    const f = await make(uid());
    const c = await f.create({ kind: nodejs, memoryMB: 128, env: {}, name: 'm' });
    try {
      await c.init(
        {
          value: {
            code: 'function main() { const a = []; for (let i = 0; i < 40; i++) a.push(Buffer.alloc(16 << 20, 1)); return { n: a.length } }',
          },
        },
        5000,
      );
      const err = await c.run({ value: {} }, 20_000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ContainerExitedError);
      expect((err as Error).message).toContain('memory limit');
      expect(c.alive).toBe(false);
    } finally {
      await c.destroy();
    }
  });

  it("removes a previous run's leftovers on start, and only its own invoker's", async () => {
    const mine = uid();
    const other = uid();
    const first = await factory(mine);
    const left = await first.create({ kind: nodejs, memoryMB: 128, env: {}, name: 'l' });
    const otherFactory = await make(other);
    const kept = await otherFactory.create({ kind: nodejs, memoryMB: 128, env: {}, name: 'k' });
    // The invoker "crashed": its container is still there when the next run starts.
    expect((await docker.getContainer(left.name).inspect()).State.Running).toBe(true);
    await make(mine);
    await expect(docker.getContainer(left.name).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await docker.getContainer(kept.name).inspect()).State.Running).toBe(true);
    await kept.destroy();
  });

  it('reaches the proxy on the container address with bridge networking (port 8080)', async () => {
    const f = await make(uid(), 'bridge');
    let c: Container | undefined;
    try {
      c = await f.create({ kind: nodejs, memoryMB: 128, env: {}, name: 'b' });
      await c.init(
        { value: { code: 'function main(a) { return { port: process.env.__OW_PROXY_PORT ?? "8080" } }' } },
        5000,
      );
      expect((await c.run({ value: {} }, 5000)).body).toEqual({ port: '8080' });
    } finally {
      await c?.destroy();
    }
  });

  it('says to build the images when a runtime image is missing', async () => {
    const f = await createDockerFactory({
      docker,
      engine: 'local socket',
      invokerId: uid(),
      imagePrefix: 'owctl-missing',
      imageTag: 'none',
      network: 'host',
      pidsLimit: 64,
      logger,
    });
    made.push(f);
    await expect(f.create({ kind: nodejs, memoryMB: 128, env: {}, name: 'x' })).rejects.toThrow(
      /image owctl-missing\/action-nodejs-v20:none is not on the docker engine at local socket; build it with `owctl images build`/,
    );
  });
});
