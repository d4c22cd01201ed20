import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../../engine/docker/client.ts';
import { TransportPool } from '../../../engine/transports/pool.ts';
import { type Transport, UnreachableError } from '../../../engine/transports/transport.ts';
import { dockerUnavailableReason, ensureDockerd, ensureTestImage } from '../../support/dockerd.ts';
import { inventoryHost } from '../../support/hosts.ts';

const reason = dockerUnavailableReason();
if (reason) console.warn(`skipping docker transport tests: ${reason}`);

describe.skipIf(reason !== undefined)('docker transport into a running container', () => {
  const name = `owtest-transport-${process.pid}`;
  let docker: Dockerode;
  const pool = new TransportPool();
  let ctr: Transport;

  beforeAll(async () => {
    await ensureDockerd();
    const image = await ensureTestImage();
    docker = dockerClient();
    const container = await docker.createContainer({
      name,
      Image: image,
      Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 100000 & wait'],
      User: 'nobody',
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    ctr = pool.get(inventoryHost('box', { ansible_connection: 'docker', ansible_host: name }));
  });

  afterAll(async () => {
    await pool.closeAll();
    await docker
      ?.getContainer(name)
      .remove({ force: true })
      .catch(() => {});
  });

  it('runs commands inside the container with exit code, output, env, cwd and stdin', async () => {
    expect(ctr.kind).toBe('docker');
    await ctr.connect();
    const res = await ctr.exec('printf "%s %s " "$A" "$(pwd)"; cat; id -u; echo err >&2; exit 5', {
      env: { A: 'inside' },
      cwd: '/tmp',
      stdin: 'piped',
    });
    expect(res).toMatchObject({ exitCode: 5, stdout: 'inside /tmp piped65534\n', stderr: 'err\n' });
  });

  it('becomes root by exec user, and times out commands', async () => {
    expect((await ctr.exec('id -u', { become: true })).stdout).toBe('0\n');
    const res = await ctr.exec('sleep 20', { timeoutMs: 200 });
    expect(res.timedOut).toBe(true);
    expect(res.durationMs).toBeLessThan(3000);
  });

  it('writes, reads and stats files binary-safe with mode, creating parents', async () => {
    const data = Buffer.from([0, 255, 10, 0, 13]);
    await ctr.writeFile('/tmp/a/b/blob', data, { mode: 0o640 });
    expect(await ctr.readFile('/tmp/a/b/blob')).toEqual(data);
    expect(await ctr.stat('/tmp/a/b/blob')).toMatchObject({ isFile: true, mode: 0o640, size: 5, uid: 65534 });
    await ctr.writeFile('/tmp/a/b/blob', 'replaced');
    expect(await ctr.stat('/tmp/a/b/blob')).toMatchObject({ mode: 0o640, size: 8 });
    expect(await ctr.stat('/tmp/a')).toMatchObject({ isDirectory: true });
    expect(await ctr.stat('/bin/sh')).toMatchObject({ isSymlink: true });
    expect(await ctr.readFile('/tmp/none')).toBeUndefined();
    expect(await ctr.stat('/tmp/none')).toBeUndefined();
    await ctr.writeFile('/etc/owctl.conf', 'x=1\n', { become: true });
    expect(await ctr.stat('/etc/owctl.conf')).toMatchObject({ uid: 0, mode: 0o644 });
    await expect(ctr.writeFile('/etc/denied', 'x')).rejects.toThrow(
      /cannot write \/etc\/denied in container/,
    );
  });

  it('reports a missing container as unreachable with what to do', async () => {
    const gone = pool.get(
      inventoryHost('gone', { ansible_connection: 'docker', ansible_host: `${name}-missing` }),
    );
    await expect(gone.connect()).rejects.toBeInstanceOf(UnreachableError);
    await expect(gone.exec('true')).rejects.toThrow(/does not exist; create it or fix ansible_host/);
  });
});
