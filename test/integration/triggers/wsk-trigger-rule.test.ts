import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, nodeAction, type Platform, startPlatform, wskOn } from '../packages/platform.ts';

let p: Platform;
let dir: string;
let wsk: ReturnType<typeof wskOn>;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  p = await startPlatform();
  dir = await mkdtemp(join(tmpdir(), 'owctl-wsk-trig-'));
  wsk = wskOn(p.controller.url, dir);
  call = api(p.controller.url);
  await call('PUT', '/api/v1/namespaces/_/actions/echo', nodeAction('function main(p) { return p; }'));
  // A feed action that accepts CREATE/DELETE and refuses a trigger named "refused".
  await call(
    'PUT',
    '/api/v1/namespaces/_/actions/feed',
    nodeAction(
      'function main(p) { if (p.triggerName.endsWith("/refused")) return { error: "no such schedule" }; return { event: p.lifecycleEvent, trigger: p.triggerName, hasKey: !!p.authKey, cron: p.cron }; }',
    ),
  );
});
afterAll(async () => {
  await p?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('wsk trigger and rule', () => {
  it('creates a trigger and rule, fires, toggles and lists with upstream output', async () => {
    expect(await wsk('trigger', 'create', 't', '-p', 'fromTrigger', 'yes')).toEqual({
      code: 0,
      stdout: 'ok: created trigger t\n',
      stderr: '',
    });
    expect((await wsk('rule', 'create', 'r', 't', 'echo')).stdout).toBe('ok: created rule r\n');
    expect((await wsk('rule', 'status', 'r')).stdout).toBe('ok: rule r is active\n');
    const fired = await wsk('trigger', 'fire', 't', '-p', 'x', '1');
    expect(fired.stdout).toMatch(/^ok: triggered \/_\/t with id [0-9a-f]{32}\n$/);

    expect((await wsk('rule', 'disable', 'r')).stdout).toBe('ok: disabled rule r\n');
    expect((await wsk('rule', 'get', 'r', 'status')).stdout).toBe(
      'ok: got rule r, displaying field status\n"inactive"\n',
    );
    const list = await wsk('rule', 'list');
    expect(list.stdout).toBe(`rules\n${'/guest/r'.padEnd(70)} ${'private'.padEnd(20)} inactive\n`);
    expect((await wsk('rule', 'enable', 'r')).stdout).toBe('ok: enabled rule r\n');

    const got = await wsk('trigger', 'get', 't');
    expect(got.stdout.split('\n')[0]).toBe('ok: got trigger t');
    expect(JSON.parse(got.stdout.slice(got.stdout.indexOf('\n') + 1)).rules).toEqual({
      'guest/r': { action: { name: 'echo', path: 'guest' }, status: 'active' },
    });
    expect((await wsk('trigger', 'list')).stdout).toBe(`triggers\n${'/guest/t'.padEnd(70)} private\n`);
    expect((await wsk('rule', 'delete', 'r', '--disable')).stdout).toBe('ok: deleted rule r\n');
    const missing = await wsk('rule', 'get', 'r');
    expect(missing.code).toBe(404 - 256);
    expect(missing.stderr).toMatch(/^error: Unable to get rule 'r': The requested resource does not exist\./);
    expect((await wsk('trigger', 'delete', 't')).stdout).toBe('ok: deleted trigger t\n');
  });

  it('configures a feed on create and delete, and removes the trigger when the feed refuses', async () => {
    const created = await wsk('trigger', 'create', 'timer', '--feed', 'feed', '-p', 'cron', '* * * * *');
    expect(created.code).toBe(0);
    const lines = created.stdout.split('\n');
    expect(lines[0]).toMatch(/^ok: invoked \/_\/feed with id [0-9a-f]{32}$/);
    expect(created.stdout).toContain('"event": "CREATE"');
    expect(created.stdout).toContain('"trigger": "/_/timer"');
    expect(created.stdout).toContain('"hasKey": true');
    expect(created.stdout.endsWith('ok: created trigger timer\n')).toBe(true);
    const trigger = await call('GET', '/api/v1/namespaces/_/triggers/timer');
    expect(trigger.body.annotations).toContainEqual({ key: 'feed', value: '/_/feed' });
    expect(trigger.body.parameters).toEqual([]);

    const deleted = await wsk('trigger', 'delete', 'timer');
    expect(deleted.stdout).toContain('"event": "DELETE"');
    expect(deleted.stdout.endsWith('ok: deleted trigger timer\n')).toBe(true);

    const refused = await wsk('trigger', 'create', 'refused', '--feed', 'feed');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      "error: Unable to create trigger 'refused': Unable to configure feed '/_/feed': no such schedule",
    );
    expect((await call('GET', '/api/v1/namespaces/_/triggers/refused')).status).toBe(404);
  });
});
