import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { http } from '../../../engine/modules/http.ts';
import { waitFor } from '../../../engine/modules/wait_for.ts';
import { Secret } from '../../../engine/secret.ts';
import { freePort } from '../../support/ports.ts';
import { type Harness, harness } from '../../unit/modules/support.ts';

let server: Server;
let base: string;
const seen: { method?: string; url?: string; authorization?: string; body: string }[] = [];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => resolve(body));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
    if (req.url === '/ping') return res.end('pong');
    if (req.url === '/json') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ echo: body ? JSON.parse(body) : null }));
    }
    res.statusCode = 500;
    res.end('boom: database down');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let h: Harness;
beforeEach(async () => {
  h = await harness();
  seen.length = 0;
});
afterEach(async () => {
  await h.cleanup();
});

describe('http', () => {
  it('GET is a read-only probe returning parsed JSON', async () => {
    const res = await h.run(http({ url: `${base}/json` }), { check: true });
    expect(res.status).toBe('ok');
    expect(res.data).toMatchObject({ status: 200, body: { echo: null } });
  });

  it('POST sends JSON with revealed secrets and credentials from a Secret URL', async () => {
    const url = new Secret(base.replace('http://', 'http://admin:pa%3Ass@') + '/json');
    const res = await h.run(http({ url, method: 'POST', body: { key: new Secret('k1') } }));
    expect(res.status).toBe('changed');
    expect(res.data?.body).toEqual({ echo: { key: 'k1' } });
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('admin:pa:ss').toString('base64')}`);
    expect(JSON.stringify(res)).not.toContain('pa%3Ass');
  });

  it('POST is skipped in check mode unless readOnly', async () => {
    expect((await h.run(http({ url: `${base}/json`, method: 'POST' }), { check: true })).status).toBe(
      'skipped',
    );
    expect(seen).toHaveLength(0);
    const probe = await h.run(http({ url: `${base}/json`, method: 'POST', readOnly: true }), { check: true });
    expect(probe.status).toBe('ok');
  });

  it('fails on an unexpected status with the body excerpt, and on a refused connection', async () => {
    const res = await h.run(http({ url: `${base}/broken`, status: [200, 201] }));
    expect(res.status).toBe('failed');
    expect(res.msg).toContain(
      `GET ${base}/broken (task on host testhost) answered 500, expected 200 or 201: boom: database down`,
    );
    const port = await freePort();
    const refused = await h.run(http({ url: `http://127.0.0.1:${port}/` }));
    expect(refused.msg).toMatch(/failed from the controller: .*ECONNREFUSED/);
  });
});

describe('wait_for', () => {
  it('waits for a TCP port from the controller and from the host', async () => {
    const port = Number(new URL(base).port);
    expect((await h.run(waitFor({ port, host: '127.0.0.1' }))).status).toBe('ok');
    expect((await h.run(waitFor({ port, on: 'host' }), { check: true })).status).toBe('ok');
  });

  it('waits for a URL that comes up later', async () => {
    const port = await freePort();
    const late = createServer((_q, s) => s.end('ready: yes'));
    setTimeout(() => late.listen(port, '127.0.0.1'), 300);
    try {
      const res = await h.run(
        waitFor({ url: `http://127.0.0.1:${port}/`, bodyIncludes: 'ready', delayMs: 100, timeoutMs: 5000 }),
      );
      expect(res.status).toBe('ok');
      expect(res.data?.attempts).toBeGreaterThan(1);
      const fromHost = await h.run(
        waitFor({ url: `http://127.0.0.1:${port}/`, on: 'host', bodyIncludes: 'ready' }),
      );
      expect(fromHost.status).toBe('ok');
    } finally {
      late.close();
    }
  });

  it('fails saying what it waited for, how long and the last error', async () => {
    const res = await h.run(waitFor({ url: `${base}/broken`, retries: 3, delayMs: 50 }));
    expect(res.status).toBe('failed');
    expect(res.msg).toMatch(
      new RegExp(
        `^waited \\d+ ms \\(3 tries\\) from the controller \\(task on host testhost\\) for ${base}/broken to answer 200; last error: status 500, expected 200`,
      ),
    );
    const port = await freePort();
    const tcp = await h.run(waitFor({ port, on: 'host', timeoutMs: 600, delayMs: 200 }));
    expect(tcp.status).toBe('failed');
    expect(tcp.msg).toContain(`from host testhost for TCP 127.0.0.1:${port} to accept connections`);
    const body = await h.run(waitFor({ url: `${base}/ping`, bodyIncludes: 'nope', retries: 1, on: 'host' }));
    expect(body.msg).toContain('the body does not contain "nope"');
  });
});
