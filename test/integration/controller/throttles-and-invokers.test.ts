import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCouch } from '../../support/couch.ts';
import { api, controllerOn, FakeInvoker, startDb } from './harness.ts';

let couch: TestCouch;
let db: { url: string; prefix: string };
const NS = '/api/v1/namespaces/guest';
const action = (code: string) => ({ exec: { kind: 'nodejs:20', code } });

beforeAll(async () => {
  ({ couch, ...db } = await startDb());
});
afterAll(async () => {
  await couch?.close();
});

describe('throttles', () => {
  it('answers 429 with the exact per-minute and concurrency messages', async () => {
    const controller = await controllerOn(db, {
      limits: { invocationsPerMinute: 3, concurrentInvocations: 1 },
    });
    const invoker = new FakeInvoker(db);
    await invoker.start(controller.url);
    try {
      const call = api(controller.url);
      await call('PUT', `${NS}/actions/t`, action('return {}'));
      let release: () => void = () => {};
      invoker.hold = new Promise((r) => {
        release = r;
      });
      expect((await call('POST', `${NS}/actions/t`)).status).toBe(202);
      const concurrent = await call('POST', `${NS}/actions/t`);
      expect(concurrent.status).toBe(429);
      expect(concurrent.body.error).toBe('Too many concurrent requests in flight (count: 1, allowed: 1).');
      release();
      invoker.hold = undefined;
      await expect.poll(() => controller.context.throttles.inFlight).toBe(0);
      // The rejected invocation counted towards the minute too, as upstream's rate throttle does.
      expect((await call('POST', `${NS}/actions/t?blocking=true`)).status).toBe(200);
      const rate = await call('POST', `${NS}/actions/t`);
      expect(rate.status).toBe(429);
      expect(rate.body.error).toBe('Too many requests in the last minute (count: 3, allowed: 3).');
    } finally {
      await invoker.close();
      await controller.close();
    }
  });

  it('answers 429 System is overloaded over concurrentInvocationsSystem', async () => {
    const controller = await controllerOn(db, { limits: { concurrentInvocationsSystem: 1 } });
    const invoker = new FakeInvoker(db);
    await invoker.start(controller.url);
    let release: () => void = () => {};
    invoker.hold = new Promise((r) => {
      release = r;
    });
    try {
      const call = api(controller.url);
      await call('PUT', `${NS}/actions/sys`, action('return {}'));
      expect((await call('POST', `${NS}/actions/sys`)).status).toBe(202);
      const r = await call('POST', `${NS}/actions/sys`);
      expect(r.status).toBe(429);
      expect(r.body.error).toBe('System is overloaded, try again later.');
    } finally {
      release();
      await invoker.close();
      await controller.close();
    }
  });
});

describe('invoker health', () => {
  it('completes in-flight activations of a silent invoker as internal errors, then answers 503', async () => {
    const controller = await controllerOn(db, { invokerHealthTimeoutMs: 600 });
    const invoker = new FakeInvoker(db);
    await invoker.start(controller.url);
    invoker.hold = new Promise(() => {}); // never answers
    try {
      const call = api(controller.url);
      await call('PUT', `${NS}/actions/lost`, action('return {}'));
      const pending = call('POST', `${NS}/actions/lost?blocking=true`);
      await expect.poll(() => invoker.received.length).toBe(1);
      invoker.silence();
      const r = await pending;
      expect(r.status).toBe(500);
      expect(r.body.response).toMatchObject({ status: 'whisk internal error', success: false });
      expect(String(r.body.response?.result?.error)).toMatch(/invoker0 stopped responding/);
      const stored = await call('GET', `${NS}/activations/${r.body.activationId}`);
      expect(stored.status).toBe(200);
      expect(stored.body.annotations).toContainEqual({ key: 'path', value: 'guest/lost' });
      expect((await fetch(`${controller.url}/invokers`).then((x) => x.json())) as unknown).toEqual({
        invoker0: 'down',
      });
      const none = await call('POST', `${NS}/actions/lost`);
      expect(none.status).toBe(503);
      expect(none.body.error).toBe(
        'The server is currently unavailable (because it is overloaded or down for maintenance).',
      );
    } finally {
      await invoker.close();
      await controller.close();
    }
  });

  it('records an internal error when the invoker cannot be reached', async () => {
    const controller = await controllerOn(db);
    try {
      await fetch(`${controller.url}/invokers/ping`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: 'ghost',
          url: 'http://127.0.0.1:1',
          userMemoryMB: 1024,
          freeMemoryMB: 1024,
          busy: 0,
          status: 'up',
        }),
      });
      const call = api(controller.url);
      await call('PUT', `${NS}/actions/unreachable`, action('return {}'));
      const r = await call('POST', `${NS}/actions/unreachable?blocking=true`);
      expect(r.status).toBe(500);
      expect(r.body.response?.status).toBe('whisk internal error');
      expect((await call('GET', `${NS}/activations/${r.body.activationId}`)).status).toBe(200);
    } finally {
      await controller.close();
    }
  });

  it('spreads load over invokers when the home invoker is full', async () => {
    const controller = await controllerOn(db);
    const a = new FakeInvoker(db, 'invoker0');
    const b = new FakeInvoker(db, 'invoker1');
    await a.start(controller.url);
    await b.start(controller.url);
    let release: () => void = () => {};
    const hold = new Promise<void>((r) => {
      release = r;
    });
    a.hold = hold;
    b.hold = hold;
    try {
      const call = api(controller.url);
      await call('PUT', `${NS}/actions/wide`, { ...action('return {}'), limits: { memory: 512 } });
      // 2048 MB per invoker / 512 MB = 4 slots each: 8 activations fill both.
      for (let i = 0; i < 8; i++) expect((await call('POST', `${NS}/actions/wide`)).status).toBe(202);
      await expect.poll(() => [a.received.length, b.received.length]).toEqual([4, 4]);
    } finally {
      release();
      await a.close();
      await b.close();
      await controller.close();
    }
  });
});
