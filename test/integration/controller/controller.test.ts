import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../../../services/controller/controller.ts';
import type { TestCouch } from '../../support/couch.ts';
import { api, controllerOn, FakeInvoker, GUEST_AUTH, OTHER_AUTH, startDb } from './harness.ts';

let couch: TestCouch;
let db: { url: string; prefix: string };
let controller: Controller;
let invoker: FakeInvoker;
let call: ReturnType<typeof api>;
const NS = '/api/v1/namespaces/guest';

const action = (code: string, extra: Record<string, unknown> = {}) => ({
  exec: { kind: 'nodejs:20', code },
  ...extra,
});

beforeAll(async () => {
  ({ couch, ...db } = await startDb());
  controller = await controllerOn(db, { limits: { invocationsPerMinute: 1000, concurrentInvocations: 50 } });
  invoker = new FakeInvoker(db);
  await invoker.start(controller.url);
  call = api(controller.url);
});
afterAll(async () => {
  await invoker?.close();
  await controller?.close();
  await couch?.close();
});

describe('HTTP conventions', () => {
  it('answers /ping, / and /api/v1 without auth, with CORS and X-Request-ID', async () => {
    const ping = await fetch(`${controller.url}/ping`);
    expect(await ping.text()).toBe('pong');
    expect(ping.headers.get('access-control-allow-origin')).toBe('*');
    const v1 = await fetch(`${controller.url}/api/v1`, { headers: { 'x-request-id': 'tid-123' } });
    expect(v1.status).toBe(200);
    expect(v1.headers.get('x-request-id')).toBe('tid-123');
    const opt = await fetch(`${controller.url}${NS}/actions/x`, { method: 'OPTIONS' });
    expect(opt.status).toBe(200);
    expect(opt.headers.get('access-control-allow-methods')).toContain('PUT');
  });

  it('rejects bad credentials with 401 and WWW-Authenticate', async () => {
    const r = await api(controller.url, 'nobody:wrong')('GET', `${NS}/actions`);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Basic realm="OpenWhisk secure realm"');
    expect(r.body.error).toBe('The supplied authentication is invalid');
    const none = await fetch(`${controller.url}${NS}/actions`);
    expect(none.status).toBe(401);
  });

  it('answers unknown routes with the error body shape and the echoed transaction id', async () => {
    const r = await call('GET', '/api/v1/nothing-here', undefined, { 'x-request-id': 'abc' });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'The requested resource does not exist.', code: 'abc' });
  });

  it('lists namespaces and limits', async () => {
    expect((await call('GET', '/api/v1/namespaces')).body).toEqual(['guest']);
    const limits = await call('GET', '/api/v1/namespaces/_/limits');
    expect(limits.body).toMatchObject({
      invocationsPerMinute: 1000,
      concurrentInvocations: 50,
      firesPerMinute: 60,
    });
  });
});

describe('actions CRUD', () => {
  it('creates, conflicts, updates with a version bump, gets without code, deletes', async () => {
    const created = await call('PUT', `${NS}/actions/hello`, action('return {msg: "hi"}'));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      namespace: 'guest',
      name: 'hello',
      version: '0.0.1',
      publish: false,
    });
    expect(created.body.annotations).toContainEqual({ key: 'exec', value: 'nodejs:20' });
    expect(created.body.limits).toEqual({ timeout: 60000, memory: 256, logs: 10, concurrency: 1 });

    const again = await call('PUT', `${NS}/actions/hello`, action('x'));
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('resource already exists');

    const updated = await call('PUT', `${NS}/actions/hello?overwrite=true`, { limits: { memory: 128 } });
    expect(updated.status).toBe(200);
    expect(updated.body.version).toBe('0.0.2');
    expect(updated.body.exec?.code).toBe('return {msg: "hi"}');
    expect(updated.body.limits?.memory).toBe(128);

    const noCode = await call('GET', `${NS}/actions/hello?code=false`);
    expect(noCode.body.exec).toEqual({ kind: 'nodejs:20', binary: false });

    const viaUnderscore = await call('GET', '/api/v1/namespaces/_/actions/hello');
    expect(viaUnderscore.body.exec?.code).toBe('return {msg: "hi"}');

    const deleted = await call('DELETE', `${NS}/actions/hello`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.name).toBe('hello');
    const gone = await call('GET', `${NS}/actions/hello`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toBe('The requested resource does not exist.');
    expect((await call('DELETE', `${NS}/actions/hello`)).status).toBe(404);
  });

  it('validates names, kinds, limits and sizes with OpenWhisk messages', async () => {
    const badName = await call('PUT', `${NS}/actions/bad%24name`, action('x'));
    expect(badName.status).toBe(400);
    expect(badName.body.error).toBe('The name of the entity contains illegal characters.');
    const badKind = await call('PUT', `${NS}/actions/k`, { exec: { kind: 'cobol:1', code: 'x' } });
    expect(badKind.status).toBe(400);
    expect(badKind.body.error).toMatch(
      /^The specified runtime 'cobol:1' is not supported by this platform\. Valid values are: '.*nodejs:20.*'\.$/,
    );
    const bigMem = await call('PUT', `${NS}/actions/m`, action('x', { limits: { memory: 1024 } }));
    expect(bigMem.status).toBe(400);
    expect(bigMem.body.error).toBe('memory 1024 MB exceeds allowed threshold of 512 MB');
    const noExec = await call('PUT', `${NS}/actions/e`, {});
    expect(noExec.status).toBe(400);
    await call('PUT', `${NS}/actions/big`, action('return params'));
    const huge = await call('POST', `${NS}/actions/big`, { x: 'y'.repeat(1_048_600) });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatch(/^Request larger than allowed: \d+ > 1048576 bytes\.$/);
    const badLimit = await call('GET', `${NS}/actions?limit=500`);
    expect(badLimit.status).toBe(400);
  });

  it("forbids another namespace's private entities", async () => {
    await call('PUT', `${NS}/actions/private`, action('return {}'));
    const other = api(controller.url, OTHER_AUTH);
    const r = await other('GET', `${NS}/actions/private`);
    expect(r.status).toBe(403);
    expect(r.body.error).toBe("The supplied authentication is not authorized to access 'guest/private'.");
    expect((await other('POST', `${NS}/actions/private`)).status).toBe(403);
    expect((await other('PUT', `${NS}/actions/mine`, action('x'))).status).toBe(403);
  });

  it('lists with limit, skip and count', async () => {
    for (const n of ['l1', 'l2', 'l3']) await call('PUT', `${NS}/actions/${n}`, action('return {}'));
    const all = await call('GET', `${NS}/actions?limit=200`);
    const names = all.list.map((a) => a.name);
    expect(names.slice(0, 3)).toEqual(['l3', 'l2', 'l1']);
    expect(all.list[0]?.exec).toEqual({ kind: 'nodejs:20', binary: false });
    const page = await call('GET', `${NS}/actions?limit=1&skip=1`);
    expect(page.list.map((a) => a.name)).toEqual(['l2']);
    const count = await call('GET', `${NS}/actions?count=true`);
    expect(count.body.actions).toBe(names.length);
  });
});

describe('invoke', () => {
  it('runs blocking, result-only and non-blocking invocations with merged parameters', async () => {
    await call(
      'PUT',
      `${NS}/actions/echo`,
      action('return params', {
        parameters: [
          { key: 'a', value: 1 },
          { key: 'b', value: 1 },
        ],
      }),
    );
    const blocking = await call('POST', `${NS}/actions/echo?blocking=true`, { b: 2 });
    expect(blocking.status).toBe(200);
    expect(blocking.body.response).toMatchObject({
      status: 'success',
      success: true,
      result: { a: 1, b: 2 },
    });
    expect(blocking.headers.get('x-openwhisk-activation-id')).toBe(blocking.body.activationId);
    const result = await call('POST', `${NS}/actions/echo?blocking=true&result=true`, { c: 3 });
    expect(result.body).toEqual({ a: 1, b: 1, c: 3 });
    const nb = await call('POST', `${NS}/actions/echo`, {});
    expect(nb.status).toBe(202);
    expect(String(nb.body.activationId)).toMatch(/^[0-9a-f]{32}$/);
    expect(nb.headers.get('x-openwhisk-activation-id')).toBe(nb.body.activationId);
  });

  it('answers 502 for application and developer errors', async () => {
    await call('PUT', `${NS}/actions/apperr`, action('return {error: "nope"}'));
    const app = await call('POST', `${NS}/actions/apperr?blocking=true`);
    expect(app.status).toBe(502);
    expect(app.body.response?.status).toBe('application error');
    await call('PUT', `${NS}/actions/deverr`, action('throw new Error("boom")'));
    const dev = await call('POST', `${NS}/actions/deverr?blocking=true&result=true`);
    expect(dev.status).toBe(502);
    expect(dev.body.error).toMatch(/boom/);
  });

  it('answers 202 with the activation id when the wait times out, and validates timeout', async () => {
    await call(
      'PUT',
      `${NS}/actions/slow`,
      action('await new Promise((r) => setTimeout(r, 400)); return {done: true}'),
    );
    const r = await call('POST', `${NS}/actions/slow?blocking=true&timeout=50`);
    expect(r.status).toBe(202);
    expect(Object.keys(r.body)).toEqual(['activationId']);
    const bad = await call('POST', `${NS}/actions/slow?blocking=true&timeout=70000`);
    expect(bad.status).toBe(400);
    await expect
      .poll(
        async () => (await call('GET', `${NS}/activations/${r.body.activationId}`)).body.response?.result,
        {
          timeout: 3000,
        },
      )
      .toEqual({ done: true });
  });

  it('serves activation list, get, result and logs', async () => {
    const r = await call('POST', `${NS}/actions/echo?blocking=true`, { z: 1 });
    const id = r.body.activationId;
    const got = await call('GET', `${NS}/activations/${id}`);
    expect(got.body).toMatchObject({ activationId: id, namespace: 'guest', name: 'echo', subject: 'guest' });
    expect((await call('GET', `${NS}/activations/${id}/result`)).body).toMatchObject({
      status: 'success',
      result: { z: 1 },
    });
    expect((await call('GET', `${NS}/activations/${id}/logs`)).body.logs).toHaveLength(1);
    await expect
      .poll(async () => (await call('GET', `${NS}/activations?name=echo&limit=1`)).list[0]?.activationId, {
        timeout: 3000,
      })
      .toBe(id);
    const full = await call('GET', `${NS}/activations?limit=1&docs=true&name=echo`);
    expect(full.list[0]?.logs).toHaveLength(1);
    const count = await call('GET', `${NS}/activations?count=true&name=echo`);
    expect(Number(count.body.activations)).toBeGreaterThanOrEqual(4);
    const since = await call('GET', `${NS}/activations?since=${Date.now() + 60_000}`);
    expect(since.list).toEqual([]);
    expect((await api(controller.url, OTHER_AUTH)('GET', `${NS}/activations/${id}`)).status).toBe(403);
    expect(
      (await api(controller.url, OTHER_AUTH)('GET', `/api/v1/namespaces/_/activations/${id}`)).status,
    ).toBe(404);
  });
});

describe('sequences', () => {
  it('validates components and length', async () => {
    const seq = (components: string[]) => ({ exec: { kind: 'sequence', components } });
    const empty = await call('PUT', `${NS}/actions/s0`, seq([]));
    expect(empty.status).toBe(400);
    expect(empty.body.error).toBe('No component specified for the sequence.');
    const missing = await call('PUT', `${NS}/actions/s1`, seq(['/guest/doesnotexist']));
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('Sequence component does not exist.');
    await call('PUT', `${NS}/actions/inc`, action('return {n: (params.n || 0) + 1}'));
    const ok = await call('PUT', `${NS}/actions/inc3`, seq(['/_/inc', '/guest/inc', '/guest/inc']));
    expect(ok.status).toBe(200);
    expect(ok.body.exec?.components).toEqual(['/guest/inc', '/guest/inc', '/guest/inc']);
    // 50 allowed: 17 nested sequences of 3 = 51 atomic actions.
    const long = await call('PUT', `${NS}/actions/s51`, seq(Array(17).fill('/guest/inc3')));
    expect(long.status).toBe(400);
    expect(long.body.error).toBe('Too many actions in the sequence.');
  });

  it('chains outputs, records component ids, and stops at the first failure', async () => {
    const r = await call('POST', `${NS}/actions/inc3?blocking=true`, { n: 10 });
    expect(r.status).toBe(200);
    expect(r.body.response?.result).toEqual({ n: 13 });
    const logs = r.body.logs as unknown as string[];
    expect(logs).toHaveLength(3);
    expect(r.body.annotations).toContainEqual({ key: 'topmost', value: true });
    expect(r.body.annotations).toContainEqual({ key: 'kind', value: 'sequence' });
    const first = await call('GET', `${NS}/activations/${logs[0]}`);
    expect(first.body.cause).toBe(r.body.activationId);

    await call('PUT', `${NS}/actions/fails`, {
      exec: { kind: 'sequence', components: ['/guest/inc', '/guest/apperr', '/guest/inc'] },
    });
    const f = await call('POST', `${NS}/actions/fails?blocking=true`);
    expect(f.status).toBe(502);
    expect(f.body.logs).toHaveLength(2);
    expect(f.body.response?.result).toEqual({ error: 'nope' });
    await expect
      .poll(async () => (await call('GET', `${NS}/activations/${f.body.activationId}`)).status, {
        timeout: 3000,
      })
      .toBe(200);
  });
});

describe('official openwhisk npm client', () => {
  it('creates, invokes, gets, lists and deletes an action', async () => {
    const openwhisk = (await import('openwhisk')).default;
    const ow = openwhisk({ apihost: controller.url, api_key: GUEST_AUTH, ignore_certs: true });
    await ow.actions.create({
      name: 'npmclient',
      action: 'function main(p) { return p; }',
      kind: 'nodejs:20',
    });
    const res = await ow.actions.invoke({
      name: 'npmclient',
      blocking: true,
      result: true,
      params: { hi: 1 },
    });
    expect(res).toEqual({ hi: 1 });
    const got = await ow.actions.get({ name: 'npmclient' });
    expect(got.name).toBe('npmclient');
    const list = await ow.actions.list();
    expect(list.map((a) => a.name)).toContain('npmclient');
    const acts = await ow.activations.list({ name: 'npmclient' });
    expect(Array.isArray(acts)).toBe(true);
    await ow.actions.delete({ name: 'npmclient' });
    await expect(ow.actions.get({ name: 'npmclient' })).rejects.toMatchObject({ statusCode: 404 });
  });
});
