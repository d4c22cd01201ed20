import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, nodeAction, type Platform, SYSTEM_AUTH, startPlatform, wskOn } from './platform.ts';

let p: Platform;
let dir: string;
let wsk: ReturnType<typeof wskOn>;

beforeAll(async () => {
  p = await startPlatform();
  dir = await mkdtemp(join(tmpdir(), 'owctl-wsk-pkg-'));
  await writeFile(join(dir, 'show.js'), 'function main(p) { return p; }\n');
  wsk = wskOn(p.controller.url, dir);
  const system = api(p.controller.url, SYSTEM_AUTH);
  await system('PUT', '/api/v1/namespaces/_/packages/utils', {
    publish: true,
    annotations: [{ key: 'description', value: 'Building blocks' }],
  });
  await system(
    'PUT',
    '/api/v1/namespaces/_/actions/utils/echo',
    nodeAction('function main(p) { return p; }'),
  );
});
afterAll(async () => {
  await p?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('wsk package', () => {
  it('creates, updates, gets and lists packages with upstream output', async () => {
    expect(await wsk('package', 'create', 'tools', '-p', 'greeting', 'hi', '--shared', 'no')).toEqual({
      code: 0,
      stdout: 'ok: created package tools\n',
      stderr: '',
    });
    const dup = await wsk('package', 'create', 'tools');
    expect(dup.code).toBe(409 - 256);
    expect(dup.stderr).toMatch(
      /^error: Unable to create package 'tools': resource already exists \(code \w+\)\n$/,
    );
    expect((await wsk('package', 'update', 'tools', '--shared', 'yes')).stdout).toBe(
      'ok: updated package tools\n',
    );
    const bad = await wsk('package', 'update', 'tools', '--shared', 'maybe');
    expect(bad).toMatchObject({ code: 1, stderr: "error: Cannot use value 'maybe' for shared.\n" });

    const got = await wsk('package', 'get', 'tools');
    expect(got.stdout.split('\n')[0]).toBe('ok: got package tools');
    const shown = JSON.parse(got.stdout.slice(got.stdout.indexOf('\n') + 1));
    expect(shown).toMatchObject({
      name: 'tools',
      publish: true,
      version: '0.0.2',
      parameters: [{ key: 'greeting', value: 'hi' }],
    });
    const field = await wsk('package', 'get', 'tools', 'publish');
    expect(field.stdout).toBe('ok: got package tools, displaying field publish\ntrue\n');

    const list = await wsk('package', 'list');
    expect(list.stdout).toBe(`packages\n${'/guest/tools'.padEnd(70)} shared\n`);
    const shared = await wsk('package', 'list', '/whisk.system');
    expect(shared.stdout).toContain(`${'/whisk.system/utils'.padEnd(70)} shared\n`);
    expect(shared.stdout).toContain(`${'/whisk.system/alarms'.padEnd(70)} shared\n`);
  });

  it('binds a shared package and invokes through the binding', async () => {
    const bound = await wsk('package', 'bind', '/whisk.system/utils', 'myutils', '-p', 'fromBinding', 'yes');
    expect(bound).toEqual({ code: 0, stdout: 'ok: created binding myutils\n', stderr: '' });
    const run = await wsk('action', 'invoke', 'myutils/echo', '-r', '-p', 'x', '1');
    expect(JSON.parse(run.stdout)).toEqual({ fromBinding: 'yes', x: 1 });
    const summary = await wsk('package', 'get', '/whisk.system/utils', '--summary');
    expect(summary.stdout).toBe(
      'package /whisk.system/utils: Building blocks\n   (parameters: none defined)\n' +
        ' action /whisk.system/utils/echo\n   (parameters: none defined)\n',
    );
    const missing = await wsk('package', 'bind', '/guest/nothing', 'b2');
    expect(missing.code).toBe(400 - 256);
    expect(missing.stderr).toMatch(
      /^error: Binding creation failed: Binding references a package that does not exist\./,
    );
  });

  it('puts actions into a package, lists them, refuses to delete a non-empty package', async () => {
    expect((await wsk('action', 'create', 'tools/show', 'show.js')).stdout).toBe(
      'ok: created action tools/show\n',
    );
    const run = await wsk('action', 'invoke', 'tools/show', '-r');
    expect(JSON.parse(run.stdout)).toEqual({ greeting: 'hi' });
    const list = await wsk('action', 'list', 'tools');
    expect(list.stdout).toBe(`actions\n${'/guest/tools/show'.padEnd(70)} private nodejs:20\n`);
    const refused = await wsk('package', 'delete', 'tools');
    expect(refused.code).toBe(409 - 256);
    expect(refused.stderr).toContain(
      "Unable to delete package 'tools': Package not empty (contains 1 entity)",
    );
    await wsk('action', 'delete', 'tools/show');
    expect(await wsk('package', 'delete', 'tools')).toEqual({
      code: 0,
      stdout: 'ok: deleted package tools\n',
      stderr: '',
    });
    const gone = await wsk('package', 'get', 'tools');
    expect(gone.code).toBe(404 - 256);
    expect(gone.stderr).toMatch(
      /^error: Unable to get package 'tools': The requested resource does not exist\./,
    );
  });
});
