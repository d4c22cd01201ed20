import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../../engine/docker/client.ts';
import { dockerImage } from '../../../engine/modules/docker_image.ts';
import { dockerNetwork } from '../../../engine/modules/docker_network.ts';
import { dockerUnavailableReason, ensureDockerd, ensureTestImage } from '../../support/dockerd.ts';
import { inventoryHost } from '../../support/hosts.ts';
import { pool, runOn } from './context.ts';

const reason = dockerUnavailableReason();
if (reason) console.warn(`skipping docker_image/docker_network tests: ${reason}`);

describe.skipIf(reason !== undefined)('docker_image and docker_network against a real docker engine', () => {
  const host = inventoryHost('localhost', { ansible_connection: 'local', ansible_host: 'localhost' });
  const built = `owtest/built:${process.pid}`;
  const imported = `owtest/imported:${process.pid}`;
  const network = `owtest-net-${process.pid}`;
  let docker: Dockerode;
  let dir: string;

  beforeAll(async () => {
    await ensureDockerd();
    docker = dockerClient();
    const base = await ensureTestImage();
    dir = mkdtempSync(`${tmpdir()}/owctl-image-`);
    mkdirSync(`${dir}/ctx`);
    writeFileSync(`${dir}/ctx/Dockerfile`, `FROM ${base}\nCOPY greeting.txt /greeting.txt\n`);
    writeFileSync(`${dir}/ctx/greeting.txt`, 'hello\n');
    writeFileSync(`${dir}/ctx/.dockerignore`, 'scratch/\n');
    mkdirSync(`${dir}/ctx/scratch`);
    mkdirSync(`${dir}/rootfs`);
    writeFileSync(`${dir}/rootfs/hello.txt`, 'rootfs\n');
    execFileSync('tar', ['-C', `${dir}/rootfs`, '-cf', `${dir}/rootfs.tar`, '.']);
  });

  afterAll(async () => {
    await pool.closeAll();
    for (const name of [built, imported]) {
      await docker
        ?.getImage(name)
        .remove({ force: true })
        .catch(() => {});
    }
    await docker
      ?.getNetwork(network)
      .remove()
      .catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  const imageId = async (name: string) => (await docker.getImage(name).inspect()).Id;

  it('builds from a context once, and skips the build while the context is unchanged', async () => {
    const task = dockerImage({ name: built, build: { path: `${dir}/ctx` } });
    const first = await runOn(host, task);
    expect(first.status).toBe('changed');
    const id = await imageId(built);
    expect(first.data?.image_id).toBe(id);

    const second = await runOn(host, task);
    expect(second).toMatchObject({ status: 'ok', msg: `image ${built} is up to date` });
    // Files excluded by .dockerignore do not count as a change.
    writeFileSync(`${dir}/ctx/scratch/notes`, 'ignored');
    expect((await runOn(host, task)).status).toBe('ok');
    expect(await imageId(built)).toBe(id);
  });

  it('rebuilds when the context changes, and only reports it in check mode', async () => {
    const task = dockerImage({ name: built, build: { path: `${dir}/ctx` } });
    const id = await imageId(built);
    writeFileSync(`${dir}/ctx/greeting.txt`, 'hello again\n');
    const check = await runOn(host, task, { check: true });
    expect(check).toMatchObject({ status: 'changed', msg: `would build image ${built} (content changed)` });
    expect(await imageId(built)).toBe(id);

    const res = await runOn(host, task);
    expect(res.status).toBe('changed');
    expect(await imageId(built)).not.toBe(id);
    expect((await runOn(host, task)).status).toBe('ok');
  });

  it('reports a failing build with the engine error', async () => {
    writeFileSync(`${dir}/ctx/Dockerfile.bad`, 'FROM owtest/busybox:1\nRUN exit 3\n');
    const res = await runOn(
      host,
      dockerImage({ name: built, build: { path: `${dir}/ctx`, dockerfile: 'Dockerfile.bad' } }),
    );
    expect(res.status).toBe('failed');
    expect(res.msg).toMatch(/failed to make image .* present: .*returned a non-zero code: 3/);
  });

  it('imports a rootfs tarball once', async () => {
    const task = dockerImage({
      name: imported,
      import: { path: `${dir}/rootfs.tar`, changes: ['ENV KIND=imported'] },
    });
    expect((await runOn(host, task)).status).toBe('changed');
    const info = await docker.getImage(imported).inspect();
    expect(info.Config.Env).toContain('KIND=imported');
    expect((await runOn(host, task)).status).toBe('ok');
    expect((await runOn(host, dockerImage({ name: imported, state: 'absent' }))).status).toBe('changed');
    expect((await runOn(host, dockerImage({ name: imported, state: 'absent' }))).status).toBe('ok');
  });

  it('creates, keeps and removes a network with its subnet', async () => {
    const args = { name: network, subnet: '10.214.77.0/24' };
    expect((await runOn(host, dockerNetwork(args), { check: true })).status).toBe('changed');
    await expect(docker.getNetwork(network).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await runOn(host, dockerNetwork(args))).status).toBe('changed');
    const info = (await docker.getNetwork(network).inspect()) as Dockerode.NetworkInspectInfo;
    expect(info.IPAM?.Config?.[0]?.Subnet).toBe('10.214.77.0/24');
    expect((await runOn(host, dockerNetwork(args))).status).toBe('ok');
    expect((await runOn(host, dockerNetwork({ ...args, subnet: '10.214.78.0/24' }))).msg).toMatch(
      /recreated/,
    );
    expect((await runOn(host, dockerNetwork({ name: network, state: 'absent' }))).status).toBe('changed');
    expect((await runOn(host, dockerNetwork({ name: network, state: 'absent' }))).status).toBe('ok');
  });
});
