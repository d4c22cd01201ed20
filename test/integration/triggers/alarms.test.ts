import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../../../services/controller/controller.ts';
import { controllerOn } from '../controller/harness.ts';
import { api, nodeAction, type Platform, startPlatform, wskOn } from '../packages/platform.ts';

let p: Platform;
let second: Controller | undefined;
let dir: string;
let wsk: ReturnType<typeof wskOn>;
let call: ReturnType<typeof api>;
const NS = '/api/v1/namespaces/_';

beforeAll(async () => {
  p = await startPlatform();
  // A second controller on the same database competes for every tick.
  second = await controllerOn(p.db);
  dir = await mkdtemp(join(tmpdir(), 'owctl-wsk-alarm-'));
  wsk = wskOn(p.controller.url, dir);
  call = api(p.controller.url);
  await call('PUT', `${NS}/actions/tick`, nodeAction('function main(p) { return p; }'));
});
afterAll(async () => {
  await second?.close();
  await p?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const triggerActivations = async () =>
  (await call('GET', `${NS}/activations?name=every&limit=200`)).list.filter(
    (a) => String(a.name) === 'every',
  );

describe('alarms feed', () => {
  it('fires a cron trigger once per tick across controllers, and stops when the trigger is deleted', async () => {
    const created = await wsk(
      'trigger',
      'create',
      'every',
      '--feed',
      '/whisk.system/alarms/alarm',
      '-p',
      'cron',
      '*/1 * * * * *',
      '-p',
      'trigger_payload',
      '{"tick":true}',
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^ok: invoked \/whisk.system\/alarms\/alarm with id [0-9a-f]{32}\n/);
    expect(created.stdout.endsWith('ok: created trigger every\n')).toBe(true);
    await call('PUT', `${NS}/rules/onTick`, { trigger: '/_/every', action: '/_/tick' });

    const started = Date.now();
    await new Promise((r) => setTimeout(r, 3500));
    const fired = await triggerActivations();
    const seconds = (Date.now() - started) / 1000;
    expect(fired.length).toBeGreaterThanOrEqual(2);
    // Two controllers tick every second; each tick fires once.
    expect(fired.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    const starts = new Set(fired.map((a) => Math.floor(Number(a.start) / 1000)));
    expect(starts.size).toBe(fired.length);
    // The rule's action runs asynchronously and its record is written in a batch: poll for it.
    let result: unknown;
    for (let i = 0; i < 50 && result === undefined; i++) {
      const ticked = await call('GET', `${NS}/activations?name=tick&limit=1&docs=true`);
      result = ticked.list[0]?.response?.result;
      if (result === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(result).toEqual({ tick: true });

    const deleted = await wsk('trigger', 'delete', 'every');
    expect(deleted.stdout).toMatch(/^ok: invoked \/whisk.system\/alarms\/alarm with id/);
    expect((await call('GET', `${NS}/triggers/every/alarm`)).status).toBe(404);
    const after = (await triggerActivations()).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await triggerActivations()).length).toBe(after);
  });

  it('refuses an invalid schedule with the parser reason and keeps no trigger', async () => {
    const bad = await wsk(
      'trigger',
      'create',
      'broken',
      '--feed',
      '/whisk.system/alarms/alarm',
      '-p',
      'cron',
      'not a cron',
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(
      "Unable to create trigger 'broken': Unable to configure feed '/whisk.system/alarms/alarm'",
    );
    expect((await call('GET', `${NS}/triggers/broken`)).status).toBe(404);
  });
});
