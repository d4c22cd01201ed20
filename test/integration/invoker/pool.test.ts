import { afterEach, describe, expect, it } from 'vitest';
import { annotation, message, startTestInvoker, type TestInvoker } from './harness.ts';

const SLEEP = `function main(a) { return new Promise((r) => setTimeout(() => r({ at: Date.now() }), a.ms)); }`;
const NOOP = 'function main() { return {}; }';

describe('ContainerPool memory bounds', () => {
  let invoker: TestInvoker | undefined;
  afterEach(async () => {
    await invoker?.close();
    invoker = undefined;
  });

  it('queues activations FIFO when user memory is full and runs them as containers free up', async () => {
    invoker = await startTestInvoker({ userMemoryMB: 512 });
    const t = invoker;
    const runs = [1, 2, 3, 4].map((i) =>
      t.invoke(message({ name: `sleeper${i}`, code: SLEEP, params: { ms: 400 } })),
    );
    await expect.poll(async () => (await t.pool()).queued, { interval: 20 }).toBe(2);
    const stats = await t.pool();
    expect(stats).toMatchObject({ userMemoryMB: 512, usedMemoryMB: 512, freeMemoryMB: 0, busy: 2 });
    const done = await Promise.all(runs);
    expect(done.map((a) => a.response.status)).toEqual(['success', 'success', 'success', 'success']);
    // The queued two waited for the first two to finish.
    const [a, b, c, d] = done.map((x) => annotation(x, 'waitTime') as number);
    expect(Math.min(c ?? 0, d ?? 0)).toBeGreaterThan(Math.max(a ?? 0, b ?? 0));
    expect(Math.min(c ?? 0, d ?? 0)).toBeGreaterThanOrEqual(400);
    expect(Math.min(done[2]!.start, done[3]!.start)).toBeGreaterThanOrEqual(
      Math.min(done[0]!.end, done[1]!.end),
    );
    expect((await t.pool()).usedMemoryMB).toBeLessThanOrEqual(512);
  });

  it('evicts the least recently used idle container to make room instead of queueing', async () => {
    invoker = await startTestInvoker({ userMemoryMB: 512 });
    await invoker.invoke(message({ name: 'first', code: NOOP }));
    await invoker.invoke(message({ name: 'second', code: NOOP }));
    await invoker.invoke(message({ name: 'first', code: NOOP }));
    expect((await invoker.pool()).freeMemoryMB).toBe(0);
    const third = await invoker.invoke(message({ name: 'third', code: NOOP }));
    expect(third.response.status).toBe('success');
    const actions = (await invoker.pool()).containers.map((c) => c.action).sort();
    expect(actions).toEqual(['guest/first@1-a', 'guest/third@1-a']);
  });

  it('removes containers idle for longer than idleTimeoutMs', async () => {
    invoker = await startTestInvoker({ idleTimeoutMs: 200 });
    await invoker.invoke(message({ code: NOOP }));
    expect((await invoker.pool()).idle).toBe(1);
    await expect.poll(async () => (await invoker?.pool())?.containers.length, { timeout: 3000 }).toBe(0);
  });

  it('fails an action needing more memory than the invoker has with a whisk internal error', async () => {
    invoker = await startTestInvoker({ userMemoryMB: 256 });
    const a = await invoker.invoke(message({ code: NOOP, limits: { memory: 512 } }));
    expect(a.response.status).toBe('whisk internal error');
    expect(a.response.result?.error).toContain('needs 512 MB but invoker invoker0 has only 256 MB');
  });
});
