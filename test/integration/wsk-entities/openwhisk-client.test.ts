import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST_AUTH, type Platform, startPlatform } from '../packages/platform.ts';

let p: Platform;

beforeAll(async () => {
  p = await startPlatform();
});
afterAll(async () => {
  await p?.close();
});

describe('official openwhisk npm client', () => {
  it('manages packages, triggers and rules and fires a trigger into an action', async () => {
    const openwhisk = (await import('openwhisk')).default;
    const ow = openwhisk({ apihost: p.controller.url, api_key: GUEST_AUTH, ignore_certs: true });

    await ow.packages.create({ name: 'npmpkg', package: { parameters: [{ key: 'fromPkg', value: 1 }] } });
    await ow.actions.create({
      name: 'npmpkg/echo',
      action: 'function main(p) { return p; }',
      kind: 'nodejs:20',
    });
    const pkg = await ow.packages.get({ name: 'npmpkg' });
    expect(pkg.actions?.map((a) => a.name)).toEqual(['echo']);
    expect((await ow.packages.list()).map((x) => x.name)).toContain('npmpkg');
    await ow.packages.update({ name: 'npmpkg', package: { publish: true } });
    expect((await ow.packages.get({ name: 'npmpkg' })).publish).toBe(true);

    await ow.triggers.create({
      name: 'npmtrig',
      trigger: { parameters: [{ key: 'fromTrigger', value: 2 }] },
    });
    await ow.rules.create({ name: 'npmrule', action: '/_/npmpkg/echo', trigger: '/_/npmtrig' });
    expect((await ow.rules.get({ name: 'npmrule' })).status).toBe('active');
    const fired = await ow.triggers.invoke({ name: 'npmtrig', params: { fromFire: 3 } });
    expect(fired.activationId).toMatch(/^[0-9a-f]{32}$/);

    // The rule's action activation shows up with the merged arguments.
    let result: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && !result; i++) {
      const acts = await ow.activations.list({ name: 'npmpkg/echo', docs: true });
      const first = acts[0] as { response?: { result?: Record<string, unknown> } } | undefined;
      result = first?.response?.result;
      if (!result) await new Promise((r) => setTimeout(r, 100));
    }
    expect(result).toEqual({ fromPkg: 1, fromTrigger: 2, fromFire: 3 });

    await ow.rules.disable({ name: 'npmrule' });
    expect((await ow.rules.get({ name: 'npmrule' })).status).toBe('inactive');
    await ow.rules.enable({ name: 'npmrule' });
    expect((await ow.rules.list()).map((r) => r.name)).toEqual(['npmrule']);
    expect((await ow.triggers.list()).map((t) => t.name)).toEqual(['npmtrig']);
    await ow.rules.delete({ name: 'npmrule' });
    await ow.triggers.delete({ name: 'npmtrig' });
    await ow.actions.delete({ name: 'npmpkg/echo' });
    await ow.packages.delete({ name: 'npmpkg' });
    await expect(ow.packages.get({ name: 'npmpkg' })).rejects.toMatchObject({ statusCode: 404 });
  });
});
