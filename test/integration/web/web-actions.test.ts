import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, GUEST_AUTH, nodeAction, type Platform, startPlatform } from '../packages/platform.ts';

let p: Platform;
let call: ReturnType<typeof api>;
let base: string;
const NS = '/api/v1/namespaces/_';
const web = (extra: { key: string; value: unknown }[] = []) => [{ key: 'web-export', value: true }, ...extra];

beforeAll(async () => {
  p = await startPlatform();
  call = api(p.controller.url);
  base = `${p.controller.url}/api/v1/web/guest`;
  await call(
    'PUT',
    `${NS}/actions/echo`,
    nodeAction('function main(p) { return p; }', { annotations: web() }),
  );
  await call(
    'PUT',
    `${NS}/actions/private`,
    nodeAction('function main(p) { return p; }', { annotations: [{ key: 'web-export', value: false }] }),
  );
  await call(
    'PUT',
    `${NS}/actions/page`,
    nodeAction(
      'function main(p) { return { html: "<p>" + (p.name || "") + "</p>", text: "plain", svg: "<svg/>", nested: { a: { b: 7 } } }; }',
      { annotations: web() },
    ),
  );
  await call(
    'PUT',
    `${NS}/actions/http`,
    nodeAction(
      `function main(p) {
        if (p.kind === 'png') return { headers: { 'Content-Type': 'image/png' }, body: Buffer.from([137, 80, 78, 71]).toString('base64') };
        if (p.kind === 'none') return {};
        if (p.kind === 'path') return { body: { path: p.__ow_path } };
        if (p.kind === 'fail') return { error: { statusCode: 418, body: 'teapot' } };
        return { statusCode: 201, headers: { 'X-Custom': 'yes' }, body: { created: p.name } };
      }`,
      { annotations: web() },
    ),
  );
});
afterAll(async () => {
  await p?.close();
});

describe('web actions', () => {
  it('passes the request as arguments: method, headers, path, query and JSON body', async () => {
    const res = await fetch(`${base}/default/echo.json?q=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-thing': 'abc' },
      body: JSON.stringify({ b: 2 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-openwhisk-activation-id')).toMatch(/^[0-9a-f]{32}$/);
    const body = await res.json();
    expect(body).toMatchObject({ q: '1', b: 2, __ow_method: 'post', __ow_path: '' });
    expect(body.__ow_headers['x-thing']).toBe('abc');
  });

  it('answers 404 for actions that are not web-exported or do not exist', async () => {
    for (const path of ['default/private.json', 'default/nothing.json', 'nopkg/echo.json']) {
      const res = await fetch(`${base}/${path}`);
      expect(res.status).toBe(404);
      expect((await res.json()).error).toBe('The requested resource does not exist.');
    }
  });

  it('projects .html, .text, .svg and .json paths', async () => {
    const html = await fetch(`${base}/default/page.html?name=web`);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toBe('<p>web</p>');
    expect(await (await fetch(`${base}/default/page.text`)).text()).toBe('plain');
    expect((await fetch(`${base}/default/page.svg`)).headers.get('content-type')).toBe('image/svg+xml');
    expect(await (await fetch(`${base}/default/page.json/nested/a`)).json()).toEqual({ b: 7 });
    expect((await fetch(`${base}/default/page.json/missing`)).status).toBe(404);
  });

  it('.http: status, headers, JSON and base64 binary bodies, 204 without body', async () => {
    const created = await fetch(`${base}/default/http.http?name=x`, { method: 'PUT' });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-custom')).toBe('yes');
    expect(await created.json()).toEqual({ created: 'x' });
    const png = await fetch(`${base}/default/http?kind=png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await png.arrayBuffer())]).toEqual([137, 80, 78, 71]);
    expect((await fetch(`${base}/default/http?kind=none`)).status).toBe(204);
    expect(await (await fetch(`${base}/default/http.http/some/path?kind=path`)).json()).toEqual({
      path: '/some/path',
    });
    const failed = await fetch(`${base}/default/http?kind=fail`);
    expect(failed.status).toBe(418);
    expect(await failed.text()).toBe('teapot');
  });

  it('answers OPTIONS with CORS, refuses overriding final parameters and reserved names', async () => {
    const opt = await fetch(`${base}/default/echo.json`, {
      method: 'OPTIONS',
      headers: { 'access-control-request-headers': 'x-foo' },
    });
    expect(opt.status).toBe(200);
    expect(opt.headers.get('access-control-allow-origin')).toBe('*');
    expect(opt.headers.get('access-control-allow-headers')).toBe('x-foo');
    await call(
      'PUT',
      `${NS}/actions/fixed`,
      nodeAction('function main(p) { return p; }', {
        annotations: web([{ key: 'final', value: true }]),
        parameters: [{ key: 'token', value: 'server' }],
      }),
    );
    const overridden = await fetch(`${base}/default/fixed.json?token=client`);
    expect(overridden.status).toBe(400);
    expect((await overridden.json()).error).toBe(
      'Request defines parameters that are not allowed (e.g., reserved properties).',
    );
    expect((await (await fetch(`${base}/default/fixed.json?other=1`)).json()).token).toBe('server');
    expect((await fetch(`${base}/default/echo.json?__ow_method=x`)).status).toBe(400);
  });

  it('raw-http passes __ow_query and __ow_body; form bodies merge otherwise', async () => {
    await call(
      'PUT',
      `${NS}/actions/raw`,
      nodeAction('function main(p) { return p; }', { annotations: web([{ key: 'raw-http', value: true }]) }),
    );
    const raw = await (
      await fetch(`${base}/default/raw.json?a=1&b=2`, {
        method: 'POST',
        body: 'hello',
        headers: { 'content-type': 'text/plain' },
      })
    ).json();
    expect(raw).toMatchObject({ __ow_query: 'a=1&b=2', __ow_body: 'hello' });
    expect(raw.a).toBeUndefined();
    const form = await (
      await fetch(`${base}/default/echo.json`, {
        method: 'POST',
        body: 'x=1&y=two',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    ).json();
    expect(form).toMatchObject({ x: '1', y: 'two' });
  });

  it('require-whisk-auth: credentials for true, the header secret otherwise', async () => {
    await call(
      'PUT',
      `${NS}/actions/secure`,
      nodeAction('function main(p) { return { user: p.__ow_user || null }; }', {
        annotations: web([{ key: 'require-whisk-auth', value: true }]),
      }),
    );
    expect((await fetch(`${base}/default/secure.json`)).status).toBe(401);
    const authed = await fetch(`${base}/default/secure.json`, {
      headers: { authorization: `Basic ${Buffer.from(GUEST_AUTH).toString('base64')}` },
    });
    expect(await authed.json()).toEqual({ user: 'guest' });

    await call(
      'PUT',
      `${NS}/actions/secret`,
      nodeAction('function main(p) { return { ok: true }; }', {
        annotations: web([{ key: 'require-whisk-auth', value: 'letmein' }]),
      }),
    );
    const refused = await fetch(`${base}/default/secret.json`, {
      headers: { 'x-require-whisk-auth': 'nope' },
    });
    expect(refused.status).toBe(401);
    expect((await refused.json()).error).toBe('The supplied authentication is invalid');
    const allowed = await fetch(`${base}/default/secret.json`, {
      headers: { 'x-require-whisk-auth': 'letmein' },
    });
    expect(await allowed.json()).toEqual({ ok: true });
  });

  it('serves web actions inside packages', async () => {
    await call('PUT', `${NS}/packages/site`, {});
    await call(
      'PUT',
      `${NS}/actions/site/hello`,
      nodeAction('function main(p) { return { hi: p.name }; }', { annotations: web() }),
    );
    expect(await (await fetch(`${base}/site/hello.json?name=pkg`)).json()).toEqual({ hi: 'pkg' });
  });
});
