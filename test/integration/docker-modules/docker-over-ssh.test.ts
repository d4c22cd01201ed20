import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../../engine/docker/client.ts';
import { dockerNetwork } from '../../../engine/modules/docker_network.ts';
import { dockerUnavailableReason, ensureDockerd } from '../../support/dockerd.ts';
import { ensureTestHosts, sshInventoryHost, testHostsUnavailableReason } from '../../support/hosts.ts';
import { pool, runOn } from './context.ts';

const reason = dockerUnavailableReason() ?? testHostsUnavailableReason();
if (reason) console.warn(`skipping docker-over-ssh tests: ${reason}`);

// A test host's sshd shares this machine's filesystem, so `docker system dial-stdio` run there
// reaches the same engine: a task on the ssh host must act on it through ssh://root@host.
describe.skipIf(reason !== undefined)('docker modules on an ssh host use its engine over ssh://', () => {
  const network = `owtest-sshnet-${process.pid}`;

  beforeAll(async () => {
    await ensureDockerd();
  });

  afterAll(async () => {
    await pool.closeAll();
    await dockerClient()
      .getNetwork(network)
      .remove()
      .catch(() => {});
  });

  it('creates a network through the ssh host, verified against known_hosts', async () => {
    const [h1] = await ensureTestHosts(1);
    const host = sshInventoryHost(h1!);
    const res = await runOn(host, dockerNetwork({ name: network }));
    expect(res.status).toBe('changed');
    expect((await dockerClient().getNetwork(network).inspect()).Name).toBe(network);
    expect((await runOn(host, dockerNetwork({ name: network }))).status).toBe('ok');
  });

  it('fails with the reason when the engine is unreachable over ssh', async () => {
    const [h1] = await ensureTestHosts(1);
    const res = await runOn(sshInventoryHost(h1!, { ansible_port: 2222 }), dockerNetwork({ name: network }));
    expect(res.status).toBe('failed');
    expect(res.msg).toMatch(
      /docker engine at ssh:\/\/root@10\.213\.0\.11:2222 .*: connection refused by 10\.213\.0\.11:2222/,
    );
  });
});
