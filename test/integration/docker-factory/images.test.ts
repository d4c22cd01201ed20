/**
 * Image builds without a registry (engine/images): reproducible ids, nothing done when nothing
 * changed, only the changed layer sent after an edit, clear errors, and the `owctl images build`
 * command on the real recipes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../../engine/docker/client.ts';
import { buildImages } from '../../../engine/images/build.ts';
import { owctlImages } from '../../../engine/images/module.ts';
import { type ImageRecipe, layer } from '../../../engine/images/recipe.ts';
import { LayerFiles } from '../../../engine/images/rootfs.ts';
import { osLayer } from '../../../images/layers.ts';
import { dockerUnavailableReason, ensureDockerd } from '../../support/dockerd.ts';
import { ensureTestHosts, sshInventoryHost, testHostsUnavailableReason } from '../../support/hosts.ts';
import { pool, runOn } from '../docker-modules/context.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const available = await ensureDockerd();
const docker = dockerClient();
const prefix = `owtest${randomBytes(3).toString('hex')}`;

describe.skipIf(!available)('image builds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'owtest-images-'));
  const appFile = join(dir, 'app.txt');
  // A layer over a file the test edits (a fresh LayerFiles each time: no memo across builds).
  const appLayer = { name: 'app', files: async () => new LayerFiles().file(appFile, '/app/app.txt', 0o644) };
  const recipe: ImageRecipe = {
    name: 'sample',
    description: 'busybox and one file',
    layers: [osLayer, appLayer],
    config: { Cmd: ['/bin/cat', '/app/app.txt'], Env: ['PATH=/usr/bin'] },
  };
  const build = (cacheDir = join(dir, 'cache'), recipes = [recipe]) =>
    buildImages(recipes, { docker, root: ROOT, prefix, tag: 't1', cacheDir });

  beforeAll(() => writeFileSync(appFile, 'first\n'));
  afterAll(async () => {
    await docker
      .getImage(`${prefix}/sample:t1`)
      .remove()
      .catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  async function output(image: string): Promise<string> {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(c, _e, done) {
        chunks.push(c as Buffer);
        done();
      },
    });
    await docker.run(image, [], sink, { HostConfig: { AutoRemove: true } });
    return Buffer.concat(chunks).toString();
  }

  it('builds a runnable image, and the same files always give the same image id', async () => {
    const [first] = await build();
    expect(first).toMatchObject({ ref: `${prefix}/sample:t1`, status: 'built' });
    expect((await output(`${prefix}/sample:t1`)).trim()).toBe('first');
    // Another cache (another machine with the same files): same id, nothing to do.
    const [again] = await build(join(dir, 'other-cache'));
    expect(again).toMatchObject({ id: first?.id, status: 'up to date' });
    expect((await docker.getImage(`${prefix}/sample:t1`).inspect()).Id).toBe(first?.id);
  });

  it('does nothing when nothing changed, and sends only the changed layer after an edit', async () => {
    const t = Date.now();
    expect((await build())[0]?.status).toBe('up to date');
    expect(Date.now() - t).toBeLessThan(2000);
    writeFileSync(appFile, 'second\n');
    const [edited] = await build();
    expect(edited?.status).toBe('built');
    expect(edited?.sentBytes).toBeLessThan(10_000);
    expect((await output(`${prefix}/sample:t1`)).trim()).toBe('second');
  });

  it('names the missing file when a recipe cannot be gathered', async () => {
    const broken: ImageRecipe = {
      ...recipe,
      name: 'broken',
      layers: [layer('missing', async () => new LayerFiles().file(join(dir, 'nope'), '/x'))],
    };
    await expect(build(undefined, [broken])).rejects.toThrow(/cannot add .*nope to an image: ENOENT/);
  });

  it('owctl images build reports each image, and --check changes nothing', async () => {
    const env = { ...process.env, OWCTL_HOME: join(dir, 'home') };
    const owctl = (...args: string[]) =>
      execa('node', [join(ROOT, 'bin/owctl.js'), 'images', 'build', ...args], { env, reject: false });
    const check = await owctl(
      '--only',
      'action-nodejs-v20',
      '-i',
      'docker-local',
      '-e',
      `docker.image.prefix=${prefix}`,
      '--check',
    );
    expect(check.stdout).toMatch(new RegExp(`^would build +${prefix}/action-nodejs-v20:latest`));
    expect(check.exitCode).toBe(2);
    await expect(docker.getImage(`${prefix}/action-nodejs-v20:latest`).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
    const unknown = await owctl('--only', 'nodejs');
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toContain(
      'no image named nodejs; owctl builds: controller, invoker, gateway, store',
    );
  });
});

const sshReason = dockerUnavailableReason() ?? testHostsUnavailableReason();

// A test host's sshd shares this machine's filesystem, so `docker system dial-stdio` there reaches
// the same engine: images built for an ssh host travel over ssh://root@host.
describe.skipIf(sshReason !== undefined)('image builds on a remote engine over ssh://', () => {
  const remotePrefix = `owtestssh${randomBytes(3).toString('hex')}`;
  afterAll(async () => {
    await pool.closeAll();
    await docker
      .getImage(`${remotePrefix}/os-only:t1`)
      .remove()
      .catch(() => {});
  });

  it('builds through the ssh host, then reports it up to date', async () => {
    const [h1] = await ensureTestHosts(1);
    const host = sshInventoryHost(h1!);
    const recipes: ImageRecipe[] = [
      { name: 'os-only', description: 'busybox', layers: [osLayer], config: {} },
    ];
    const task = owctlImages({ recipes, prefix: remotePrefix, tag: 't1', root: ROOT });
    const first = await runOn(host, task);
    expect(first.status, first.msg).toBe('changed');
    expect(first.msg).toContain(`${remotePrefix}/os-only:t1 built`);
    expect((await docker.getImage(`${remotePrefix}/os-only:t1`).inspect()).Config.Labels).toMatchObject({
      'owctl.image': 'os-only',
    });
    const again = await runOn(host, task);
    expect(again.status).toBe('ok');
  });
});
