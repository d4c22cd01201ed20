import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../../engine/docker/client.ts';
import { type DockerContainerArgs, dockerContainer } from '../../../engine/modules/docker_container.ts';
import { Secret } from '../../../engine/secret.ts';
import { dockerUnavailableReason, ensureDockerd, ensureTestImage } from '../../support/dockerd.ts';
import { inventoryHost } from '../../support/hosts.ts';
import { pool, runOn } from './context.ts';

const reason = dockerUnavailableReason();
if (reason) console.warn(`skipping docker_container tests: ${reason}`);

describe.skipIf(reason !== undefined)('docker_container against a real docker engine', () => {
  const host = inventoryHost('localhost', { ansible_connection: 'local', ansible_host: 'localhost' });
  const name = `owtest-ctr-${process.pid}`;
  let docker: Dockerode;
  let base: DockerContainerArgs;

  beforeAll(async () => {
    await ensureDockerd();
    docker = dockerClient();
    base = {
      name,
      image: await ensureTestImage(),
      command: ['sh', '-c', 'trap "exit 0" TERM; sleep 100000 & wait'],
      env: { MODE: 'one' },
      network_mode: 'none',
      labels: { 'owctl.test': 'yes' },
      memory: '64m',
      stop_timeout: 3,
    };
  });

  afterAll(async () => {
    await pool.closeAll();
    await docker
      ?.getContainer(name)
      .remove({ force: true })
      .catch(() => {});
  });

  const inspect = () => docker.getContainer(name).inspect();

  it('creates and starts the container, then leaves it alone when nothing changed', async () => {
    const first = await runOn(host, dockerContainer(base));
    expect(first.status).toBe('changed');
    const info = await inspect();
    expect(info.State.Running).toBe(true);
    expect(info.Config.Env).toContain('MODE=one');
    expect(info.Config.Labels['owctl.test']).toBe('yes');
    expect(info.Config.Labels['owctl.config-hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(first.data?.id).toBe(info.Id);

    const second = await runOn(host, dockerContainer(base));
    expect(second.status).toBe('ok');
    expect((await inspect()).Id).toBe(info.Id);
  });

  it('check mode reports a config change without touching the container', async () => {
    const before = await inspect();
    const res = await runOn(host, dockerContainer({ ...base, env: { MODE: 'two' } }), {
      check: true,
      diff: true,
    });
    expect(res.status).toBe('changed');
    expect(res.msg).toMatch(/would be recreated \(env changed\)/);
    expect(res.diff?.[0]).toEqual({
      target: `container ${name}`,
      before: 'env: {"MODE":"one"}\n',
      after: 'env: {"MODE":"two"}\n',
    });
    const after = await inspect();
    expect(after.Id).toBe(before.Id);
    expect(after.Config.Env).toContain('MODE=one');
  });

  it('recreates the container only when its config changes', async () => {
    const oldId = (await inspect()).Id;
    const res = await runOn(host, dockerContainer({ ...base, env: { MODE: 'two' } }), { diff: true });
    expect(res.status).toBe('changed');
    expect(res.diff?.[0]?.after).toBe('env: {"MODE":"two"}\n');
    const info = await inspect();
    expect(info.Id).not.toBe(oldId);
    expect(info.Config.Env).toContain('MODE=two');
    expect(info.State.Running).toBe(true);
    expect(await unlessGone(oldId)).toBe(false);

    const again = await runOn(host, dockerContainer({ ...base, env: { MODE: 'two' } }));
    expect(again.status).toBe('ok');
    expect((await inspect()).Id).toBe(info.Id);
  });

  it('masks secret env values in diffs but recreates when they change', async () => {
    const withSecret = (v: string) =>
      dockerContainer({ ...base, env: { MODE: 'two', PASSWORD: new Secret(v) } });
    await runOn(host, withSecret('hunter2'));
    const id = (await inspect()).Id;
    expect((await runOn(host, withSecret('hunter2'))).status).toBe('ok');
    const res = await runOn(host, withSecret('swordfish'), { diff: true });
    expect(res.status).toBe('changed');
    expect(JSON.stringify(res)).not.toMatch(/hunter2|swordfish/);
    expect(res.diff?.[0]?.after).toMatch(/^env: .*"PASSWORD":"\*{8} \(sha256 [0-9a-f]{8}\)"/);
    expect((await inspect()).Id).not.toBe(id);
    expect(JSON.stringify((await inspect()).Config.Labels)).not.toMatch(/swordfish/);
  });

  it('stops and starts the same container for state changes', async () => {
    const args = { ...base, env: { MODE: 'two' } };
    await runOn(host, dockerContainer(args));
    const id = (await inspect()).Id;
    const stopped = await runOn(host, dockerContainer({ ...args, state: 'stopped' }));
    expect(stopped.status).toBe('changed');
    expect((await inspect()).State.Running).toBe(false);
    expect((await runOn(host, dockerContainer({ ...args, state: 'stopped' }))).status).toBe('ok');
    const started = await runOn(host, dockerContainer(args));
    expect(started.status).toBe('changed');
    expect(started.msg).toMatch(/started/);
    const info = await inspect();
    expect(info.State.Running).toBe(true);
    expect(info.Id).toBe(id);
  });

  it('recreates when the image behind the name changed', async () => {
    const image = await ensureTestImage();
    const repo = 'owtest/alias';
    const tag = String(process.pid);
    const alias = `${repo}:${tag}`;
    await docker.getImage(image).tag({ repo, tag });
    const args = { ...base, image: alias };
    await runOn(host, dockerContainer(args));
    const id = (await inspect()).Id;
    expect((await runOn(host, dockerContainer(args))).status).toBe('ok');
    // Point the alias at a different image (a committed copy of the container gets a new id).
    const commit = await docker.getContainer(name).commit({ repo, tag, changes: 'LABEL variant=2' });
    expect(commit.Id).toBeDefined();
    const res = await runOn(host, dockerContainer(args), { diff: true });
    expect(res.status).toBe('changed');
    expect(res.msg).toMatch(/image/);
    expect((await inspect()).Id).not.toBe(id);
    await runOn(host, dockerContainer({ ...args, state: 'absent' }));
    await docker.getImage(alias).remove();
  });

  it('removes the container for state absent, and fails clearly on a missing image', async () => {
    await runOn(host, dockerContainer(base));
    expect((await runOn(host, dockerContainer({ ...base, state: 'absent' }), { check: true })).status).toBe(
      'changed',
    );
    expect((await inspect()).Id).toBeDefined();
    expect((await runOn(host, dockerContainer({ ...base, state: 'absent' }))).status).toBe('changed');
    await expect(inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await runOn(host, dockerContainer({ ...base, state: 'absent' }))).status).toBe('ok');

    const check = await runOn(host, dockerContainer(base), { check: true });
    expect(check.status).toBe('changed');
    await expect(inspect()).rejects.toMatchObject({ statusCode: 404 });

    const missing = await runOn(host, dockerContainer({ ...base, image: 'owtest/nothing:here' }));
    expect(missing.status).toBe('failed');
    expect(missing.msg).toMatch(
      /image owtest\/nothing:here is not on the docker engine .*add a docker_image task/,
    );
  });

  async function unlessGone(id: string): Promise<boolean> {
    return await docker
      .getContainer(id)
      .inspect()
      .then(() => true)
      .catch(() => false);
  }
});
