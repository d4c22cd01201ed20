import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../services/common/log.ts';
import type { Controller } from '../../../services/controller/controller.ts';
import { parseInvokerConfig } from '../../../services/invoker/config.ts';
import { type Invoker, startInvoker } from '../../../services/invoker/invoker.ts';
import { ActivationStore } from '../../../services/store/activation-store.ts';
import { openStore } from '../../../services/store/db.ts';
import type { TestCouch } from '../../support/couch.ts';
import { api, controllerOn, startDb } from './harness.ts';

let couch: TestCouch;
let controller: Controller;
let invoker: Invoker;
let stateDir: string;

beforeAll(async () => {
  const { couch: c, ...db } = await startDb();
  couch = c;
  controller = await controllerOn(db);
  stateDir = await mkdtemp(join(tmpdir(), 'owctl-invoker-'));
  invoker = await startInvoker(
    parseInvokerConfig({ port: 0, controllers: [controller.url], stateDir, prewarm: false, sandbox: 'none' }),
    { sink: new ActivationStore(openStore(db)), logger: createLogger('invoker', 'silent') },
  );
});
afterAll(async () => {
  await invoker?.close();
  await controller?.close();
  await couch?.close();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('controller with the real invoker', () => {
  it('runs a nodejs action end to end and stores its record', async () => {
    const call = api(controller.url);
    await expect
      .poll(async () => (await fetch(`${controller.url}/invokers`)).json(), { timeout: 5000 })
      .toEqual({
        invoker0: 'up',
      });
    await call('PUT', '/api/v1/namespaces/_/actions/real', {
      exec: {
        kind: 'nodejs:20',
        code: 'function main(p) { console.log("hi"); return { greeting: "hello " + p.name }; }',
      },
    });
    const r = await call('POST', '/api/v1/namespaces/_/actions/real?blocking=true', { name: 'world' });
    expect(r.status).toBe(200);
    expect(r.body.response?.result).toEqual({ greeting: 'hello world' });
    await expect
      .poll(
        async () =>
          (await call('GET', `/api/v1/namespaces/_/activations/${r.body.activationId}/logs`)).status,
        {
          timeout: 3000,
        },
      )
      .toBe(200);
  });
});
