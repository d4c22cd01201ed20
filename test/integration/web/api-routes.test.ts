import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../services/gateway/gateway.ts';
import { controllerOn } from '../controller/harness.ts';
import { api, nodeAction, type Platform, startPlatform, wskOn } from '../packages/platform.ts';

let p: Platform;
let gw: Gateway;
let dir: string;
let wsk: ReturnType<typeof wskOn>;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  p = await startPlatform();
  gw = await startGateway({
    host: '127.0.0.1',
    port: 0,
    controllers: [p.controller.url],
    apiRoutesPollMs: 200,
  });
  dir = await mkdtemp(join(tmpdir(), 'owctl-wsk-api-'));
  wsk = wskOn(gw.url, dir);
  call = api(p.controller.url);
  await call(
    'PUT',
    '/api/v1/namespaces/_/actions/hello',
    nodeAction('function main(p) { return { greeting: "hello " + (p.name || "you") }; }', {
      annotations: [{ key: 'web-export', value: true }],
    }),
  );
  await call('PUT', '/api/v1/namespaces/_/actions/plain', nodeAction('function main() { return {}; }'));
});
afterAll(async () => {
  await gw?.close();
  await p?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function until(url: string, status: number): Promise<Response> {
  let res = await fetch(url);
  for (let i = 0; i < 40 && res.status !== status; i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await fetch(url);
  }
  return res;
}

describe('API routes', () => {
  it('wsk api create publishes a route the gateway serves; list, get, delete', async () => {
    const created = await wsk('api', 'create', '/greet', '/hello', 'get', 'hello', '--apiname', 'greeter');
    expect(created).toEqual({
      code: 0,
      stdout: `ok: created API /greet/hello GET for action /_/hello\n${gw.url}/api/guest/greet/hello\n`,
      stderr: '',
    });
    const served = await until(`${gw.url}/api/guest/greet/hello?name=gateway`, 200);
    expect(await served.json()).toEqual({ greeting: 'hello gateway' });
    expect((await fetch(`${gw.url}/api/guest/greet/hello`, { method: 'POST' })).status).toBe(404);

    const list = await wsk('api', 'list');
    expect(list.stdout).toBe(
      'ok: APIs\n' +
        `${'Action'.padEnd(30)} ${'Verb'.padStart(7)} ${'API Name'.padStart(20)}  URL\n` +
        `${'/guest/hello'.padEnd(30)} ${'get'.padStart(7)} ${'greeter'.padStart(20)}  ${gw.url}/api/guest/greet/hello\n`,
    );
    const got = JSON.parse((await wsk('api', 'get', 'greeter')).stdout);
    expect(got).toMatchObject({ namespace: 'guest', basePath: '/greet', apiName: 'greeter' });

    const notWeb = await wsk('api', 'create', '/greet', '/plain', 'get', 'plain');
    expect(notWeb.code).toBe(400 - 256);
    expect(notWeb.stderr).toContain(
      `Action '/_/plain' is not a web action. Issue 'wsk action update "plain" --web true' to convert the action to a web action.`,
    );

    expect((await wsk('api', 'delete', '/greet')).stdout).toBe('ok: deleted API /greet\n');
    expect((await until(`${gw.url}/api/guest/greet/hello`, 404)).status).toBe(404);
  });

  it('keeps routes in the database across controller restarts', async () => {
    const put = await call('PUT', '/api/v1/namespaces/_/apis', {
      basePath: '/kept',
      relPath: '/r',
      operation: 'post',
      action: '/_/hello',
      responseType: 'json',
    });
    expect(put.status).toBe(200);
    const second = await controllerOn(p.db);
    try {
      const routes = await (await fetch(`${second.url}/apis/routes`)).json();
      expect(routes).toEqual([
        {
          basePath: '/guest/kept',
          relPath: '/r',
          operation: 'POST',
          action: '/guest/hello',
          responseType: 'json',
        },
      ]);
    } finally {
      await second.close();
    }
  });
});
