/**
 * The invoker with "containerFactory": "docker": activations run in runtime containers (cold,
 * then warm and resumed from pause), Python too, blackbox actions in the user's image, and a
 * shut-down invoker leaves no action container behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../../engine/docker/client.ts';
import { INVOKER_LABEL } from '../../../services/invoker/factories/docker.ts';
import { ensureDockerd } from '../../support/dockerd.ts';
import { annotation, message, startTestInvoker, type TestInvoker } from '../invoker/harness.ts';
import { BLACKBOX_IMAGE, ensureBlackboxImage } from './blackbox.ts';
import { ensureImages } from './images.ts';

const available = await ensureDockerd();
const docker = dockerClient();
const id = `invdock${process.pid}`;

async function containersOf(invoker: string) {
  return docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${INVOKER_LABEL}=${invoker}`] }),
  });
}

describe.skipIf(!available)('invoker with the docker container factory', () => {
  let invoker: TestInvoker;

  beforeAll(async () => {
    await ensureImages(['action-nodejs-v20', 'action-python-v3.11']);
    await ensureBlackboxImage();
    invoker = await startTestInvoker({
      id,
      containerFactory: 'docker',
      docker: { network: 'host', pidsLimit: 256 },
    });
  }, 120_000);

  afterAll(async () => {
    await invoker?.close();
  });

  it('runs a nodejs action cold, then warm after resuming the paused container', async () => {
    const spec = { name: 'hello', code: 'function main(a) { console.log("hi"); return { hello: a.name } }' };
    const cold = await invoker.invoke(message({ ...spec, params: { name: 'cold' } }));
    expect(cold.response).toMatchObject({ status: 'success', result: { hello: 'cold' } });
    expect(annotation(cold, 'initTime')).toBeGreaterThan(0);
    expect(cold.logs).toEqual([expect.stringMatching(/stdout: hi$/)]);
    await new Promise((r) => setTimeout(r, 300));
    const [paused] = await containersOf(id);
    expect(paused?.State).toBe('paused');
    const warm = await invoker.invoke(message({ ...spec, params: { name: 'warm' } }));
    expect(warm.response.result).toEqual({ hello: 'warm' });
    expect(annotation(warm, 'initTime')).toBeUndefined();
    expect((await containersOf(id)).length).toBe(1);
  });

  it('runs a python action', async () => {
    const act = await invoker.invoke(
      message({
        kind: 'python:3',
        code: 'def main(a):\n    return {"sum": a["x"] + a["y"]}\n',
        params: { x: 2, y: 3 },
      }),
    );
    expect(act.response).toMatchObject({ status: 'success', result: { sum: 5 } });
  });

  it("runs a blackbox action in the user's own image", async () => {
    const msg = message({ code: '', params: { q: 1 } });
    msg.action.exec = { kind: 'blackbox', image: BLACKBOX_IMAGE };
    const act = await invoker.invoke(msg);
    expect(act.response).toMatchObject({ status: 'success', result: { blackbox: true, echo: { q: 1 } } });
    expect(act.logs).toEqual([expect.stringMatching(/stdout: blackbox ran$/)]);
    const images = (await containersOf(id)).map((c) => c.Image);
    expect(images).toContain(BLACKBOX_IMAGE);
  });

  it('times out a runaway action with OpenWhisk’s message and removes its container', async () => {
    const act = await invoker.invoke(
      message({ code: 'function main() { for (;;) {} }', limits: { timeout: 300 } }),
    );
    expect(act.response.status).toBe('action developer error');
    expect(act.response.result).toEqual({
      error: 'The action exceeded its time limits of 300 milliseconds.',
    });
    await new Promise((r) => setTimeout(r, 200));
    expect((await containersOf(id)).filter((c) => c.State !== 'running' && c.State !== 'paused')).toEqual([]);
  });

  it('leaves no action container behind when it shuts down', async () => {
    await invoker.close();
    expect(await containersOf(id)).toEqual([]);
  });
});
