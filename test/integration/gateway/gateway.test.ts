import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../services/gateway/gateway.ts';

process.env.OWCTL_LOG_LEVEL = 'silent';

/** A stand-in controller: answers /ping (unless made unhealthy) and echoes what it received. */
interface FakeController {
  name: string;
  url: string;
  healthy: boolean;
  seen: { method: string; url: string; requestId: string; bytes: number }[];
  server: Server;
  close(): Promise<void>;
}

async function fakeController(name: string): Promise<FakeController> {
  const fake: FakeController = {
    name,
    url: '',
    healthy: true,
    seen: [],
    server: createServer((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      req.on('end', () => {
        if (req.url === '/ping') {
          res.writeHead(fake.healthy ? 200 : 503).end(fake.healthy ? 'pong' : 'down');
          return;
        }
        const requestId = String(req.headers['x-request-id'] ?? '');
        fake.seen.push({ method: req.method ?? '', url: req.url ?? '', requestId, bytes });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ controller: name, url: req.url, requestId, bytes }));
      });
    }),
    close: () =>
      new Promise((resolve) => {
        fake.server.close(() => resolve());
        fake.server.closeAllConnections();
      }),
  };
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  return fake;
}

async function get(
  url: string,
  init: { method?: 'GET' | 'POST' | 'PUT'; body?: string; headers?: Record<string, string> } = {},
) {
  const res = await request(url, { method: init.method ?? 'GET', body: init.body, headers: init.headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: () => JSON.parse(text), text };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('gateway', () => {
  let a: FakeController;
  let b: FakeController;
  let gw: Gateway;

  beforeAll(async () => {
    a = await fakeController('a');
    b = await fakeController('b');
    gw = await startGateway({ host: '127.0.0.1', port: 0, controllers: [a.url, b.url], maxBodyBytes: 1000 });
  });
  afterAll(async () => {
    await gw.close();
    await a.close();
    await b.close();
  });

  it('balances requests round-robin over the healthy controllers', async () => {
    const names = [];
    for (let i = 0; i < 4; i++) names.push((await get(`${gw.url}/api/v1/namespaces`)).json().controller);
    expect(names.sort()).toEqual(['a', 'a', 'b', 'b']);
    expect(names).toHaveLength(4);
  });

  it('passes /, /ping, /api/v1 and web action paths with their query strings', async () => {
    for (const path of ['/', '/api/v1', '/api/v1/web/guest/default/hello.json?x=1']) {
      const res = await get(gw.url + path);
      expect(res.status).toBe(200);
      expect(res.json().url).toBe(path);
    }
    expect((await get(`${gw.url}/ping`)).text).toBe('pong');
  });

  it('answers 404 in the OpenWhisk shape for paths it does not serve', async () => {
    const res = await get(`${gw.url}/invokers`);
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({
      error: 'The requested resource does not exist.',
      code: res.headers['x-request-id'],
    });
  });

  it('generates an X-Request-ID, forwards it and echoes it; keeps a caller-supplied one', async () => {
    const generated = await get(`${gw.url}/api/v1`);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(generated.json().requestId).toBe(generated.headers['x-request-id']);

    const given = await get(`${gw.url}/api/v1`, { headers: { 'x-request-id': 'my-trace-1' } });
    expect(given.headers['x-request-id']).toBe('my-trace-1');
    expect(given.json().requestId).toBe('my-trace-1');
  });

  it('forwards bodies within the limit and refuses larger ones with 413', async () => {
    const ok = await get(`${gw.url}/api/v1/namespaces/_/actions/x`, {
      method: 'PUT',
      body: 'y'.repeat(1000),
    });
    expect(ok.json().bytes).toBe(1000);

    const big = await get(`${gw.url}/api/v1/namespaces/_/actions/x`, {
      method: 'PUT',
      body: 'y'.repeat(1500),
    });
    expect(big.status).toBe(413);
    expect(big.json()).toEqual({
      error: 'Request larger than allowed: 1500 > 1000 bytes.',
      code: big.headers['x-request-id'],
    });
  });

  it('leaves out a controller whose /ping fails, and takes it back once it recovers', async () => {
    b.healthy = false;
    await sleep(1500);
    b.seen = [];
    for (let i = 0; i < 4; i++) expect((await get(`${gw.url}/api/v1`)).json().controller).toBe('a');
    expect(b.seen).toHaveLength(0);
    b.healthy = true;
    await sleep(1500);
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) names.add((await get(`${gw.url}/api/v1`)).json().controller);
    expect(names).toEqual(new Set(['a', 'b']));
  });
});

describe('gateway failover', () => {
  let a: FakeController;
  let b: FakeController;
  let gw: Gateway;
  afterEach(async () => {
    await gw.close();
    await a.close();
  });

  it('retries a POST on the next controller when the chosen one refuses the connection', async () => {
    a = await fakeController('a');
    b = await fakeController('b');
    gw = await startGateway({ host: '127.0.0.1', port: 0, controllers: [a.url, b.url] });
    await b.close(); // still marked healthy until the next ping
    for (let i = 0; i < 3; i++) {
      const res = await get(`${gw.url}/api/v1/namespaces/_/actions/hello?blocking=true`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(200);
      expect(res.json().controller).toBe('a');
    }
  });

  it('answers 503 in the OpenWhisk shape when no controller is healthy', async () => {
    a = await fakeController('a');
    a.healthy = false;
    gw = await startGateway({ host: '127.0.0.1', port: 0, controllers: [a.url] });
    const res = await get(`${gw.url}/api/v1/namespaces`);
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({
      error: 'The server is currently unavailable (because it is overloaded or down for maintenance).',
      code: res.headers['x-request-id'],
    });
  });
});

describe('gateway TLS and API routes', () => {
  it('serves HTTPS with the configured certificate and maps API routes to web actions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'owctl-gw-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert].concat([
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ]),
      { stdio: 'ignore' },
    );
    const routesFile = join(dir, 'routes.json');
    writeFileSync(
      routesFile,
      JSON.stringify([
        {
          basePath: '/shop',
          relPath: '/items',
          operation: 'get',
          action: '/guest/list',
          responseType: 'json',
        },
      ]),
    );
    const a = await fakeController('a');
    const gw = await startGateway({
      host: '127.0.0.1',
      port: 0,
      controllers: [a.url],
      tls: { cert, key },
      routesFile,
    });
    const insecure = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      expect(gw.url).toMatch(/^https:/);
      const res = await request(`${gw.url}/api/v1/namespaces`, { dispatcher: insecure });
      expect(res.statusCode).toBe(200);
      expect(((await res.body.json()) as { controller: string }).controller).toBe('a');

      const routed = await request(`${gw.url}/api/shop/items?page=2`, { dispatcher: insecure });
      expect(((await routed.body.json()) as { url: string }).url).toBe(
        '/api/v1/web/guest/default/list.json?page=2',
      );
      const wrongVerb = await request(`${gw.url}/api/shop/items`, { method: 'POST', dispatcher: insecure });
      expect(wrongVerb.statusCode).toBe(404);
      await wrongVerb.body.dump();

      // An unverified client must not get through.
      await expect(request(`${gw.url}/ping`)).rejects.toThrow();
    } finally {
      await insecure.close();
      await gw.close();
      await a.close();
    }
  });
});
