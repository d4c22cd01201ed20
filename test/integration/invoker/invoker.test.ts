import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvokerPing } from '../../../services/common/types.ts';
import { annotation, message, startTestInvoker, type TestInvoker } from './harness.ts';

// token identifies the container process (pids repeat inside sandbox pid namespaces).
const COUNTER = `let count = 0; const token = Math.random();
function main(args) { count += 1; return { count, token, greeting: 'hello ' + args.name }; }`;

describe('invoker with process containers', () => {
  let invoker: TestInvoker;
  beforeAll(async () => {
    invoker = await startTestInvoker();
  });
  afterAll(async () => {
    await invoker.close();
  });

  it('runs an action cold, then warm in the same container, and cold again for a new revision', async () => {
    const cold = await invoker.invoke(message({ name: 'counter', code: COUNTER, params: { name: 'Ada' } }));
    expect(cold.response).toEqual({
      status: 'success',
      statusCode: 0,
      success: true,
      result: { count: 1, token: expect.any(Number), greeting: 'hello Ada' },
    });
    expect(annotation(cold, 'initTime')).toEqual(expect.any(Number));
    expect(cold).toMatchObject({ namespace: 'guest', name: 'counter', subject: 'guest', version: '0.0.1' });
    expect(cold.annotations.map((a) => a.key)).toEqual([
      'path',
      'waitTime',
      'kind',
      'timeout',
      'limits',
      'initTime',
    ]);
    expect(annotation(cold, 'path')).toBe('guest/counter');
    expect(annotation(cold, 'kind')).toBe('nodejs:20');
    expect(annotation(cold, 'timeout')).toBe(false);
    expect(cold.duration).toBe(cold.end - cold.start);

    const warm = await invoker.invoke(message({ name: 'counter', code: COUNTER, params: { name: 'Bob' } }));
    expect(warm.response.result).toEqual({
      count: 2,
      token: cold.response.result?.token,
      greeting: 'hello Bob',
    });
    expect(annotation(warm, 'initTime')).toBeUndefined();

    const updated = await invoker.invoke(
      message({ name: 'counter', rev: '2-b', code: COUNTER, params: { name: 'C' } }),
    );
    expect(updated.response.result?.count).toBe(1);
    expect(updated.response.result?.token).not.toBe(cold.response.result?.token);
    expect(annotation(updated, 'initTime')).toEqual(expect.any(Number));
  });

  it('stores every record through the activation sink', async () => {
    const a = await invoker.invoke(message({ code: 'function main() { return {}; }' }));
    expect(invoker.sink.records.at(-1)).toEqual(a);
  });

  it('kills an action past its time limit, reports OpenWhisk’s message and never reuses the container', async () => {
    const code = `let runs = 0;
      function main(a) { runs += 1; if (a.hang) return new Promise(() => {}); return { runs }; }`;
    const first = await invoker.invoke(message({ name: 'slow', code, limits: { timeout: 300 } }));
    expect(first.response.result).toEqual({ runs: 1 });
    const timedOut = await invoker.invoke(
      message({ name: 'slow', code, limits: { timeout: 300 }, params: { hang: true } }),
    );
    expect(timedOut.response).toEqual({
      status: 'action developer error',
      statusCode: 2,
      success: false,
      result: { error: 'The action exceeded its time limits of 300 milliseconds.' },
    });
    expect(annotation(timedOut, 'timeout')).toBe(true);
    expect(timedOut.duration).toBeGreaterThanOrEqual(300);
    const after = await invoker.invoke(message({ name: 'slow', code, limits: { timeout: 300 } }));
    expect(after.response.result).toEqual({ runs: 1 });
    expect(annotation(after, 'initTime')).toEqual(expect.any(Number));
  });

  it('captures stdout and stderr lines up to the sentinel, timestamped', async () => {
    const code = `function main() { console.log('one'); console.error('two'); console.log('three'); return {}; }`;
    const a = await invoker.invoke(message({ code }));
    expect(a.logs).toHaveLength(3);
    expect(a.logs[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z stdout: one$/);
    // Each stream keeps its order; how the two interleave depends on pipe scheduling, as upstream.
    const streams = (logs: string[]) => logs.map((l) => l.replace(/^\S+ /, '')).sort();
    expect(streams(a.logs)).toEqual(['stderr: two', 'stdout: one', 'stdout: three']);
    const b = await invoker.invoke(message({ name: a.name, code }));
    expect(streams(b.logs)).toEqual(['stderr: two', 'stdout: one', 'stdout: three']);
  });

  it('truncates logs at the action’s limit with OpenWhisk’s message', async () => {
    const code = `function main() { const line = 'x'.repeat(1023); for (let i = 0; i < 1100; i++) console.log(line); return {}; }`;
    const a = await invoker.invoke(message({ code, limits: { logs: 1 } }));
    expect(a.logs).toHaveLength(1025);
    expect(a.logs.at(-1)).toMatch(
      / stderr: Logs were truncated because the total bytes size exceeds the limit of 1048576 bytes\.$/,
    );
    const none = await invoker.invoke(
      message({ code: `function main() { console.log('x'); return {}; }`, limits: { logs: 0 } }),
    );
    expect(none.logs).toHaveLength(1);
    expect(none.logs[0]).toContain('exceeds the limit of 0 bytes.');
  });

  it('classifies application errors, exceptions, crashes and init failures', async () => {
    const app = await invoker.invoke(
      message({ code: `function main() { return { error: 'no such user' }; }` }),
    );
    expect(app.response).toEqual({
      status: 'application error',
      statusCode: 1,
      success: false,
      result: { error: 'no such user' },
    });
    const thrown = await invoker.invoke(message({ code: `function main() { throw new Error('kaboom'); }` }));
    expect(thrown.response.status).toBe('action developer error');
    expect(thrown.response.result?.error).toContain('kaboom');
    expect(thrown.logs.join('\n')).toContain('kaboom');

    const crashCode = `function main(a) { if (a.crash) process.exit(1); return { ok: true }; }`;
    await invoker.invoke(message({ name: 'crashy', code: crashCode }));
    const crashed = await invoker.invoke(
      message({ name: 'crashy', code: crashCode, params: { crash: true } }),
    );
    expect(crashed.response).toEqual({
      status: 'action developer error',
      statusCode: 2,
      success: false,
      result: { error: 'The action did not produce a valid response and exited unexpectedly.' },
    });
    const recovered = await invoker.invoke(message({ name: 'crashy', code: crashCode }));
    expect(recovered.response.result).toEqual({ ok: true });

    const broken = await invoker.invoke(message({ code: 'function main( {' }));
    expect(broken.response.status).toBe('action developer error');
    expect(broken.response.result?.error).toMatch(/^Initialization has failed due to: SyntaxError/);
    expect(annotation(broken, 'initTime')).toEqual(expect.any(Number));
  });

  it('bounds a nodejs action’s heap by its memory limit', async () => {
    const code = `function main() { const hog = []; for (;;) hog.push(new Array(1e5).fill(hog.length)); }`;
    const a = await invoker.invoke(message({ code, limits: { memory: 128, timeout: 20_000 } }));
    expect(a.response.result).toEqual({
      error: 'The action did not produce a valid response and exited unexpectedly.',
    });
    expect(a.logs.join('\n')).toContain('heap');
  });

  it('runs python actions with __OW_* environment', async () => {
    const code = `import os
def main(args):
    print('hi from python')
    return {'sum': args['a'] + args['b'], 'id': os.environ['__OW_ACTIVATION_ID'], 'api': os.environ['__OW_API_HOST']}
`;
    const msg = message({ kind: 'python:default', code, params: { a: 2, b: 3 } });
    const a = await invoker.invoke(msg);
    expect(a.response.result).toEqual({ sum: 5, id: msg.activationId, api: 'http://127.0.0.1:3233' });
    expect(annotation(a, 'kind')).toBe('python:3');
    expect(a.logs.map((l) => l.replace(/^\S+ /, ''))).toEqual(['stdout: hi from python']);
  });

  it('answers an unknown kind with a whisk internal error naming the kinds it offers', async () => {
    const a = await invoker.invoke(message({ kind: 'cobol:1', code: 'x' }));
    expect(a.response.status).toBe('whisk internal error');
    expect(a.response.result?.error).toContain("cannot run kind 'cobol:1'");
    expect(a.response.result?.error).toContain('nodejs:20');
  });

  it('rejects a malformed message with 400 naming the field', async () => {
    const res = await fetch(`${invoker.url}/activations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ activationId: 'x' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /^Invalid ActivationMessage at 'transactionId'/,
    );
  });
});

describe('invoker stem cells and pings', () => {
  it('initialises a prewarmed stem cell for a cold action, starts a replacement, and is fast', async () => {
    const invoker = await startTestInvoker({ prewarm: true });
    try {
      await expect.poll(async () => (await invoker.pool()).prewarm, { timeout: 10_000 }).toBe(3);
      const before = (await invoker.pool()).containers.filter(
        (c) => c.state === 'prewarm' && c.kind === 'nodejs:20',
      );
      const started = Date.now();
      const a = await invoker.invoke(message({ name: 'noop', code: 'function main() { return {}; }' }));
      const elapsed = Date.now() - started;
      expect(a.response.status).toBe('success');
      expect(annotation(a, 'initTime')).toEqual(expect.any(Number));
      const after = await invoker.pool();
      const used = after.containers.find((c) => c.action === 'guest/noop@1-a');
      expect(before.map((c) => c.name)).toContain(used?.name);
      // Cold start on a stem cell: init + run of a no-op (generous bound for loaded CI machines).
      expect(elapsed).toBeLessThan(250);
      await expect
        .poll(async () => (await invoker.pool()).containers.filter((c) => c.state === 'prewarm').length)
        .toBe(3);
    } finally {
      await invoker.close();
    }
  });

  it('pings every controller once a second with its memory and status', async () => {
    const pings: InvokerPing[] = [];
    const controller = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        if (req.url === '/invokers/ping' && req.method === 'POST')
          pings.push(JSON.parse(body) as InvokerPing);
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => controller.listen(0, '127.0.0.1', resolve));
    const address = controller.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const invoker = await startTestInvoker({
      id: 'invoker7',
      userMemoryMB: 1024,
      controllers: [`http://127.0.0.1:${port}`],
    });
    try {
      await expect.poll(() => pings.length, { timeout: 3000 }).toBeGreaterThanOrEqual(2);
      expect(pings[0]).toEqual({
        id: 'invoker7',
        url: invoker.url,
        userMemoryMB: 1024,
        freeMemoryMB: 1024,
        busy: 0,
        status: 'up',
      });
      // More than 3 system errors among the last 10 activations: the invoker reports itself unhealthy.
      for (let i = 0; i < 4; i++) await invoker.invoke(message({ kind: 'cobol:1', code: 'x' }));
      const seen = pings.length;
      await expect.poll(() => pings.slice(seen).at(-1)?.status, { timeout: 3000 }).toBe('unhealthy');
    } finally {
      await invoker.close();
      controller.close();
    }
  });
});
