import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, nodeAction, type Platform, startPlatform } from '../packages/platform.ts';

let p: Platform;
let call: ReturnType<typeof api>;
const NS = '/api/v1/namespaces/_';
const ECHO = 'function main(p) { return p; }';

beforeAll(async () => {
  p = await startPlatform({
    limits: { invocationsPerMinute: 1000, concurrentInvocations: 50, firesPerMinute: 12 },
  });
  call = api(p.controller.url);
  await call('PUT', `${NS}/actions/echo`, nodeAction(ECHO));
});
afterAll(async () => {
  await p?.close();
});

/** The trigger activation record once stored. */
async function record(id: string) {
  let r = await call('GET', `${NS}/activations/${id}`);
  for (let i = 0; i < 50 && r.status !== 200; i++) {
    await new Promise((done) => setTimeout(done, 100));
    r = await call('GET', `${NS}/activations/${id}`);
  }
  expect(r.status).toBe(200);
  return r.body;
}

describe('triggers', () => {
  it('creates, conflicts, updates, gets, lists and deletes', async () => {
    const created = await call('PUT', `${NS}/triggers/t1`, { parameters: [{ key: 'a', value: 1 }] });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ namespace: 'guest', name: 't1', version: '0.0.1', limits: {} });
    expect((await call('PUT', `${NS}/triggers/t1`, {})).status).toBe(409);
    const updated = await call('PUT', `${NS}/triggers/t1?overwrite=true`, { publish: false });
    expect(updated.body).toMatchObject({ version: '0.0.2', parameters: [{ key: 'a', value: 1 }] });
    expect((await call('GET', `${NS}/triggers`)).list.map((t) => t.name)).toContain('t1');
    expect((await call('GET', `${NS}/triggers?count=true`)).body).toEqual({ triggers: 1 });
    expect((await call('DELETE', `${NS}/triggers/t1`)).body.name).toBe('t1');
    expect((await call('GET', `${NS}/triggers/t1`)).status).toBe(404);
    const badFeed = await call('PUT', `${NS}/triggers/t2`, {
      annotations: [{ key: 'feed', value: 'a/b/c/d' }],
    });
    expect(badFeed.status).toBe(400);
    expect(badFeed.body.error).toBe('Feed name is not valid');
  });

  it('answers 204 without active rules and 404 for a missing trigger', async () => {
    await call('PUT', `${NS}/triggers/lonely`, {});
    const fired = await call('POST', `${NS}/triggers/lonely`, { x: 1 });
    expect(fired.status).toBe(204);
    expect((await call('POST', `${NS}/triggers/missing`, {})).status).toBe(404);
  });
});

describe('rules', () => {
  it('validates trigger and action, creates active, toggles status, and shows the link on the trigger', async () => {
    await call('PUT', `${NS}/triggers/t`, { parameters: [{ key: 'fromTrigger', value: 't' }] });
    const noTrigger = await call('PUT', `${NS}/rules/r`, { trigger: '/_/nope', action: '/_/echo' });
    expect(noTrigger.status).toBe(400);
    expect(noTrigger.body.error).toBe('trigger /guest/nope does not exist');
    const noAction = await call('PUT', `${NS}/rules/r`, { trigger: '/_/t', action: '/_/nope' });
    expect(noAction.status).toBe(400);
    expect(noAction.body.error).toBe('action /guest/nope does not exist');
    const missing = await call('PUT', `${NS}/rules/r`, { trigger: '/_/t' });
    expect(missing.body.error).toBe('rule requires a valid trigger and a valid action');

    const rule = await call('PUT', `${NS}/rules/r`, { trigger: '/_/t', action: '/_/echo' });
    expect(rule.status).toBe(200);
    expect(rule.body).toMatchObject({
      namespace: 'guest',
      name: 'r',
      status: 'active',
      trigger: { path: 'guest', name: 't' },
      action: { path: 'guest', name: 'echo' },
    });
    expect((await call('GET', `${NS}/triggers/t`)).body.rules).toEqual({
      'guest/r': { action: { path: 'guest', name: 'echo' }, status: 'active' },
    });
    expect((await call('POST', `${NS}/rules/r`, { status: 'inactive' })).status).toBe(200);
    expect((await call('GET', `${NS}/rules/r`)).body.status).toBe('inactive');
    expect((await call('POST', `${NS}/triggers/t`, {})).status).toBe(204);
    const bad = await call('POST', `${NS}/rules/r`, { status: 'sleepy' });
    expect(bad.status).toBe(400);
    expect((await call('POST', `${NS}/rules/r`, { status: 'active' })).status).toBe(200);
    expect((await call('GET', `${NS}/rules`)).list.map((r) => r.name)).toEqual(['r']);
  });

  it('fires: 202 with a trigger record whose logs list each rule, payload over trigger parameters', async () => {
    await call('PUT', `${NS}/actions/second`, nodeAction(ECHO));
    await call('PUT', `${NS}/rules/r2`, { trigger: '/_/t', action: '/_/second' });
    await call('PUT', `${NS}/rules/off`, { trigger: '/_/t', action: '/_/echo' });
    await call('POST', `${NS}/rules/off`, { status: 'inactive' });
    const fired = await call('POST', `${NS}/triggers/t`, { fromPayload: 'p' });
    expect(fired.status).toBe(202);
    const id = String(fired.body.activationId);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(fired.headers.get('x-openwhisk-activation-id')).toBe(id);

    const trig = await record(id);
    expect(trig).toMatchObject({
      name: 't',
      namespace: 'guest',
      response: { success: true, result: { fromPayload: 'p' } },
    });
    const logs = (trig.logs as unknown as string[]).map((l) => JSON.parse(l));
    expect(logs).toHaveLength(3);
    const byRule = Object.fromEntries(logs.map((l) => [l.rule, l]));
    expect(Object.keys(byRule['guest/r'])).toEqual([
      'statusCode',
      'success',
      'activationId',
      'rule',
      'action',
    ]);
    expect(byRule['guest/r']).toMatchObject({ statusCode: 0, success: true, action: 'guest/echo' });
    expect(byRule['guest/r2']).toMatchObject({ statusCode: 0, success: true, action: 'guest/second' });
    expect(byRule['guest/off']).toEqual({
      statusCode: 1,
      success: false,
      error: "Rule 'guest/off' is inactive, action 'guest/echo' was not activated.",
      rule: 'guest/off',
      action: 'guest/echo',
    });
    const action = await record(byRule['guest/r'].activationId);
    expect(action.response?.result).toEqual({ fromTrigger: 't', fromPayload: 'p' });
  });

  it('deletes rules (unlinking them from the trigger) and reports a rule whose action is gone', async () => {
    await call('PUT', `${NS}/triggers/t3`, {});
    await call('PUT', `${NS}/actions/doomed`, nodeAction(ECHO));
    await call('PUT', `${NS}/rules/r3`, { trigger: '/_/t3', action: '/_/doomed' });
    await call('DELETE', `${NS}/actions/doomed`);
    const fired = await call('POST', `${NS}/triggers/t3`, {});
    const logs = ((await record(String(fired.body.activationId))).logs as unknown as string[]).map((l) =>
      JSON.parse(l),
    );
    expect(logs).toEqual([
      {
        statusCode: 1,
        success: false,
        error: 'The requested resource does not exist.',
        rule: 'guest/r3',
        action: 'guest/doomed',
      },
    ]);
    const deleted = await call('DELETE', `${NS}/rules/r3`);
    expect(deleted.body).toMatchObject({ name: 'r3', status: 'inactive' });
    expect((await call('GET', `${NS}/triggers/t3`)).body.rules).toEqual({});
    expect((await call('GET', `${NS}/rules/r3`)).status).toBe(404);
  });

  it("limits fires per minute with OpenWhisk's 429", async () => {
    await call('PUT', `${NS}/triggers/busy`, {});
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 30 && !refused; i++) {
      const r = await call('POST', `${NS}/triggers/busy`, {});
      if (r.status === 429) refused = r;
    }
    expect(refused?.body.error).toBe('Too many requests in the last minute (count: 12, allowed: 12).');
  });
});
