import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, nodeAction, OTHER_AUTH, type Platform, SYSTEM_AUTH, startPlatform } from './platform.ts';

let p: Platform;
let guest: ReturnType<typeof api>;
let system: ReturnType<typeof api>;
let other: ReturnType<typeof api>;
const NS = '/api/v1/namespaces/_';
const SYS = '/api/v1/namespaces/whisk.system';
const ECHO = 'function main(p) { return p; }';

beforeAll(async () => {
  p = await startPlatform();
  guest = api(p.controller.url);
  system = api(p.controller.url, SYSTEM_AUTH);
  other = api(p.controller.url, OTHER_AUTH);
});
afterAll(async () => {
  await p?.close();
});

describe('shared packages', () => {
  it('whisk.system/utils/echo is readable and invokable by guest', async () => {
    const pkg = await system('PUT', `${SYS}/packages/utils`, {
      publish: true,
      annotations: [{ key: 'description', value: 'utilities' }],
      parameters: [{ key: 'fromPackage', value: 'pkg' }],
    });
    expect(pkg.status).toBe(200);
    expect(pkg.body).toMatchObject({
      namespace: 'whisk.system',
      name: 'utils',
      version: '0.0.1',
      publish: true,
      binding: {},
    });
    expect((await system('PUT', `${SYS}/actions/utils/echo`, nodeAction(ECHO))).status).toBe(200);

    const got = await guest('GET', `${SYS}/packages/utils`);
    expect(got.status).toBe(200);
    expect(got.body.actions).toEqual([expect.objectContaining({ name: 'echo', version: '0.0.1' })]);
    expect(got.body.feeds).toEqual([]);

    const run = await guest('POST', `${SYS}/actions/utils/echo?blocking=true&result=true`, {
      message: 'hello',
    });
    expect(run.status).toBe(200);
    expect(run.body).toEqual({ message: 'hello', fromPackage: 'pkg' });

    const listed = await guest('GET', '/api/v1/namespaces/whisk.system/packages');
    expect(listed.list.map((x) => x.name).sort()).toEqual(['alarms', 'utils']);
    const actions = await guest('GET', `${SYS}/actions/utils/`);
    expect(actions.list.map((x) => x.name)).toEqual(['echo']);
  });

  it("forbids another namespace's private package and its actions with upstream's message", async () => {
    await other('PUT', '/api/v1/namespaces/_/packages/secret', {});
    await other('PUT', '/api/v1/namespaces/_/actions/secret/a', nodeAction(ECHO));
    const get = await guest('GET', '/api/v1/namespaces/other/packages/secret');
    expect(get.status).toBe(403);
    expect(get.body.error).toBe("The supplied authentication is not authorized to access 'other/secret'.");
    const invoke = await guest('POST', '/api/v1/namespaces/other/actions/secret/a?blocking=true');
    expect(invoke.status).toBe(403);
    expect(invoke.body.error).toBe("The supplied authentication is not authorized to access 'other/secret'.");
    const list = await guest('GET', '/api/v1/namespaces/other/packages');
    expect(list.list).toEqual([]);
    const write = await guest('PUT', '/api/v1/namespaces/other/packages/mine', {});
    expect(write.status).toBe(403);
  });
});

describe('packages CRUD', () => {
  it('creates, conflicts, updates with a version bump, lists and rejects the reserved name', async () => {
    expect((await guest('PUT', `${NS}/packages/p1`, { parameters: [{ key: 'a', value: 1 }] })).status).toBe(
      200,
    );
    const again = await guest('PUT', `${NS}/packages/p1`, {});
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('resource already exists');
    const updated = await guest('PUT', `${NS}/packages/p1?overwrite=true`, { publish: true });
    expect(updated.body).toMatchObject({
      version: '0.0.2',
      publish: true,
      parameters: [{ key: 'a', value: 1 }],
    });
    const reserved = await guest('PUT', `${NS}/packages/default`, {});
    expect(reserved.status).toBe(400);
    expect(reserved.body.error).toBe("Package name 'default' is reserved.");
    const list = await guest('GET', `${NS}/packages`);
    expect(list.list.map((x) => x.name)).toContain('p1');
    expect((await guest('GET', `${NS}/packages?count=true`)).body).toEqual({ packages: list.list.length });
    expect((await guest('GET', `${NS}/packages/nope`)).status).toBe(404);
  });

  it('refuses to delete a non-empty package unless force=true', async () => {
    await guest('PUT', `${NS}/packages/full`, {});
    await guest('PUT', `${NS}/actions/full/a`, nodeAction(ECHO));
    await guest('PUT', `${NS}/actions/full/b`, nodeAction(ECHO));
    const refused = await guest('DELETE', `${NS}/packages/full`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('Package not empty (contains 2 entities)');
    const forced = await guest('DELETE', `${NS}/packages/full?force=true`);
    expect(forced.status).toBe(200);
    expect(forced.body.name).toBe('full');
    expect((await guest('GET', `${NS}/actions/full/a`)).status).toBe(404);
    expect((await guest('GET', `${NS}/packages/full`)).status).toBe(404);

    await guest('PUT', `${NS}/packages/empty`, {});
    expect((await guest('DELETE', `${NS}/packages/empty`)).status).toBe(200);
  });

  it('manages actions inside a package: create needs the package, get, list, delete', async () => {
    const orphan = await guest('PUT', `${NS}/actions/nopkg/a`, nodeAction(ECHO));
    expect(orphan.status).toBe(404);
    await guest('PUT', `${NS}/packages/tools`, {});
    const created = await guest('PUT', `${NS}/actions/tools/hello`, nodeAction(ECHO));
    expect(created.body).toMatchObject({ namespace: 'guest/tools', name: 'hello' });
    expect((await guest('GET', `${NS}/actions/tools/hello`)).body.namespace).toBe('guest/tools');
    expect((await guest('GET', `${NS}/actions/tools/`)).list.map((a) => a.name)).toEqual(['hello']);
    expect((await guest('DELETE', `${NS}/actions/tools/hello`)).status).toBe(200);
    expect((await guest('GET', `${NS}/actions/tools/`)).list).toEqual([]);
  });
});

describe('bindings', () => {
  it('merges parameters package < binding < action < payload', async () => {
    await guest('PUT', `${NS}/packages/base`, {
      parameters: [
        { key: 'a', value: 'package' },
        { key: 'b', value: 'package' },
        { key: 'c', value: 'package' },
        { key: 'd', value: 'package' },
      ],
    });
    await guest(
      'PUT',
      `${NS}/actions/base/show`,
      nodeAction(ECHO, {
        parameters: [
          { key: 'c', value: 'action' },
          { key: 'd', value: 'action' },
        ],
      }),
    );
    const bound = await guest('PUT', `${NS}/packages/bound`, {
      binding: { namespace: '_', name: 'base' },
      parameters: [
        { key: 'b', value: 'binding' },
        { key: 'c', value: 'binding' },
      ],
    });
    expect(bound.status).toBe(200);
    expect(bound.body.binding).toEqual({ namespace: 'guest', name: 'base' });
    expect(bound.body.annotations).toContainEqual({
      key: 'binding',
      value: { namespace: 'guest', name: 'base' },
    });
    const run = await guest('POST', `${NS}/actions/bound/show?blocking=true&result=true`, { d: 'payload' });
    expect(run.body).toEqual({ a: 'package', b: 'binding', c: 'action', d: 'payload' });

    const got = await guest('GET', `${NS}/packages/bound`);
    expect(got.body).toMatchObject({ name: 'bound', binding: { namespace: 'guest', name: 'base' } });
    expect(got.body.parameters).toEqual([
      { key: 'a', value: 'package' },
      { key: 'd', value: 'package' },
      { key: 'b', value: 'binding' },
      { key: 'c', value: 'binding' },
    ]);
    expect(got.body.actions).toEqual([expect.objectContaining({ name: 'show' })]);
    expect((await guest('GET', `${NS}/actions/bound/`)).list.map((a) => a.name)).toEqual(['show']);
  });

  it('binds to shared packages of other namespaces, not to bindings, missing or private packages', async () => {
    const shared = await guest('PUT', `${NS}/packages/myutils`, {
      binding: { namespace: 'whisk.system', name: 'utils' },
    });
    expect(shared.status).toBe(200);
    const run = await guest('POST', `${NS}/actions/myutils/echo?blocking=true&result=true`, { x: 1 });
    expect(run.body).toEqual({ x: 1, fromPackage: 'pkg' });

    const toBinding = await guest('PUT', `${NS}/packages/b2`, {
      binding: { namespace: 'guest', name: 'bound' },
    });
    expect(toBinding.status).toBe(400);
    expect(toBinding.body.error).toBe('Cannot bind to another package binding.');
    const missing = await guest('PUT', `${NS}/packages/b3`, {
      binding: { namespace: 'guest', name: 'nothing' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('Binding references a package that does not exist.');
    const priv = await guest('PUT', `${NS}/packages/b4`, { binding: { namespace: 'other', name: 'secret' } });
    expect(priv.status).toBe(403);
    expect(priv.body.error).toBe("The supplied authentication is not authorized to access 'other/secret'.");
    const intoBinding = await guest('PUT', `${NS}/actions/myutils/x`, nodeAction(ECHO));
    expect(intoBinding.status).toBe(400);
    expect(intoBinding.body.error).toBe('Operation not permitted on package binding.');
    const convert = await guest('PUT', `${NS}/packages/base?overwrite=true`, {
      binding: { namespace: 'whisk.system', name: 'utils' },
    });
    expect(convert.status).toBe(409);
    expect(convert.body.error).toBe('Resource is a package and cannot be converted into a binding.');
    expect((await guest('DELETE', `${NS}/packages/myutils`)).status).toBe(200);
  });
});
