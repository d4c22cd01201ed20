/**
 * `owctl deploy docker-local` against a real dockerd: every service runs as a container of the
 * images owctl builds from this machine, actions run in containers; the same commands, checks
 * and idempotence as local. Actions are invoked through the API and the wsk CLI (nodejs, python,
 * blackbox), then teardown removes every container.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../engine/docker/client.ts';
import { ensureBlackboxImage } from '../integration/docker-factory/blackbox.ts';
import { ensureDockerd } from '../support/dockerd.ts';
import { changedTotal, e2eEnvironment } from './support.ts';

const available = await ensureDockerd();
const e = e2eEnvironment('docker-local');
const { home, owctl, wsk } = e;
const deploy = () => e.deploy();
const docker = dockerClient();

async function containers(label: string) {
  return docker.listContainers({ all: true, filters: JSON.stringify({ label: [label] }) });
}

describe.skipIf(!available)('owctl deploy docker-local', () => {
  let apihost = '';
  let auth = '';

  beforeAll(async () => {
    await e.usePorts();
    apihost = e.apihost;
    // The blackbox image is the user's; its base is the runtime image the deploy builds.
    const built = await owctl('images', 'build', '-i', 'docker-local', '--only', 'action-nodejs-v20');
    expect(built.exitCode, built.stderr).toBe(0);
    await ensureBlackboxImage();
  }, 180_000);

  afterAll(() => e.destroy());

  it('deploys every service as a container and answers through the API and wsk', async () => {
    const first = await deploy();
    expect(first.localhost?.failed).toBe(0);
    expect(changedTotal(first)).toBeGreaterThan(0);

    const services = await containers('owctl.environment=docker-local');
    expect(services.map((c) => c.Names[0]).sort()).toEqual([
      '/owctl-docker-local-controller0',
      '/owctl-docker-local-couchdb',
      '/owctl-docker-local-gateway',
      '/owctl-docker-local-invoker0',
    ]);
    expect(services.every((c) => c.State === 'running' && c.Image.startsWith('whisk/'))).toBe(true);

    const status = JSON.parse((await owctl('status', 'docker-local', '--json')).stdout) as {
      apihost: string;
      auth: { guest: string };
      services: { healthy: boolean }[];
    };
    expect(status.apihost).toBe(apihost);
    expect(status.services.every((s) => s.healthy)).toBe(true);
    auth = status.auth.guest;
    expect((await wsk('property', 'set', '--apihost', apihost)).exitCode).toBe(0);
    expect((await wsk('property', 'set', '--auth', auth)).exitCode).toBe(0);

    const echo = await wsk(
      'action',
      'invoke',
      '/whisk.system/utils/echo',
      '-p',
      'message',
      'hello',
      '--result',
    );
    expect(JSON.parse(echo.stdout)).toEqual({ message: 'hello' });

    const fib = join(home, 'fib.py');
    writeFileSync(
      fib,
      'def main(args):\n    n = int(args.get("number", 10))\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return {"fibonacci": a}\n',
    );
    expect((await wsk('action', 'create', 'fib', fib)).exitCode).toBe(0);
    const res = await wsk('action', 'invoke', 'fib', '--result', '--blocking', '--param', 'number', '20');
    expect(JSON.parse(res.stdout)).toEqual({ fibonacci: 6765 });

    const bb = await wsk('action', 'create', 'bb', '--docker', 'owtest/blackbox:1');
    expect(bb.stdout).toContain('ok: created action bb');
    const bbRes = await wsk('action', 'invoke', 'bb', '--result', '--blocking', '-p', 'x', '1');
    expect(JSON.parse(bbRes.stdout)).toEqual({ blackbox: true, echo: { x: 1 } });

    // Through the REST API directly, as any OpenWhisk client does.
    const api = await fetch(`${apihost}/api/v1/namespaces/_/actions/fib?blocking=true&result=true`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ number: 10 }),
    });
    expect(await api.json()).toEqual({ fibonacci: 55 });

    const actions = await containers('owctl.invoker=docker-local_invoker0');
    expect(actions.some((c) => c.Names[0]?.startsWith('/wskdocker-local_invoker0_'))).toBe(true);
    expect(actions.map((c) => c.Image)).toEqual(
      expect.arrayContaining(['whisk/action-python-v3.11:latest', 'owtest/blackbox:1']),
    );
  });

  it('redeploys with changed 0', async () => {
    expect(changedTotal(await deploy())).toBe(0);
  });

  it('teardown removes the service and action containers; a deploy brings the actions back', async () => {
    const down = await owctl('teardown', 'docker-local', '--json');
    expect(down.exitCode).toBe(0);
    expect(await containers('owctl.environment=docker-local')).toEqual([]);
    expect(await containers('owctl.invoker=docker-local_invoker0')).toEqual([]);
    await deploy();
    const res = await wsk('action', 'invoke', 'fib', '--result', '--blocking', '--param', 'number', '12');
    expect(JSON.parse(res.stdout)).toEqual({ fibonacci: 144 });
  });
});
