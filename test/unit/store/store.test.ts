import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionDoc, Activation } from '../../../services/common/types.ts';
import { ActivationStore } from '../../../services/store/activation-store.ts';
import { ensureDatabases, openStore, type Store } from '../../../services/store/db.ts';
import { EntityStore } from '../../../services/store/entity-store.ts';
import { IdentityStore } from '../../../services/store/identity-store.ts';
import { startCouch, type TestCouch } from '../../support/couch.ts';

let couch: TestCouch;
let store: Store;

beforeAll(async () => {
  couch = await startCouch();
  store = openStore({ url: couch.adminUrl, prefix: 'unit_' });
  await ensureDatabases(store);
});
afterAll(async () => {
  await couch?.close();
});

const action = (name: string, updated: number): ActionDoc & { _id: string } => ({
  _id: `guest/${name}`,
  entityType: 'action',
  namespace: 'guest',
  name,
  version: '0.0.1',
  publish: false,
  annotations: [],
  parameters: [],
  exec: { kind: 'nodejs:20', code: 'x' },
  limits: { timeout: 60000, memory: 256, logs: 10, concurrency: 1 },
  updated,
});

const activation = (id: string, start: number, name = 'a'): Activation => ({
  namespace: 'guest',
  name,
  subject: 'guest',
  activationId: id,
  start,
  end: start + 1,
  duration: 1,
  logs: ['log line'],
  version: '0.0.1',
  publish: false,
  annotations: [{ key: 'path', value: `guest/${name}` }],
  response: { status: 'success', statusCode: 0, success: true, result: { ok: true } },
});

describe('databases', () => {
  it('installs databases and design docs idempotently', async () => {
    await ensureDatabases(store);
    const ddoc = await store.whisks.get('_design/whisks.v2.1.0');
    await ensureDatabases(store);
    expect((await store.whisks.get('_design/whisks.v2.1.0'))._rev).toBe(ddoc._rev);
  });
});

describe('EntityStore', () => {
  it('creates, conflicts, lists, counts and deletes', async () => {
    const es = new EntityStore(store);
    const created = await es.put(action('one', 1));
    await expect(es.put(action('one', 2))).rejects.toMatchObject({
      status: 409,
      message: 'resource already exists',
    });
    await expect(es.put({ ...action('one', 2), _rev: '1-0000' })).rejects.toMatchObject({
      status: 409,
      message: 'Concurrent modification to resource detected.',
    });
    await es.put(action('two', 2));
    expect((await es.list('actions', 'guest', { limit: 1, skip: 0 })).map((a) => a.name)).toEqual(['two']);
    expect((await es.list('actions', 'guest', { limit: 30, skip: 1 })).map((a) => a.name)).toEqual(['one']);
    expect(await es.count('actions', 'guest')).toBe(2);
    await es.delete('guest/one', created._rev);
    await expect(es.get('guest/one')).rejects.toMatchObject({ status: 404 });
  });

  it('drops cached entities when another store instance changes them', async () => {
    const a = new EntityStore(store);
    const b = new EntityStore(store);
    await a.start();
    try {
      const v1 = await b.put(action('shared', 10));
      expect((await a.get<ActionDoc>('guest/shared')).exec.code).toBe('x');
      await b.put({ ...action('shared', 11), exec: { kind: 'nodejs:20', code: 'y' }, _rev: v1._rev });
      await expect
        .poll(async () => (await a.get<ActionDoc>('guest/shared')).exec.code, { timeout: 3000 })
        .toBe('y');
    } finally {
      a.close();
    }
  });
});

describe('IdentityStore', () => {
  it('authenticates by uuid and key', async () => {
    await store.subjects.insert({
      _id: 'guest',
      subject: 'guest',
      namespaces: [{ name: 'guest', uuid: 'u1', key: 'k1' }],
    });
    const ids = new IdentityStore(store);
    expect(await ids.identify('u1', 'k1')).toEqual({
      subject: 'guest',
      namespace: 'guest',
      uuid: 'u1',
      key: 'k1',
    });
    expect(await ids.identify('u1', 'wrong')).toBeUndefined();
    expect((await ids.forNamespace('guest'))?.uuid).toBe('u1');
  });
});

describe('ActivationStore', () => {
  it('batches writes, reads back unwritten and written records, lists and counts', async () => {
    let bulks = 0;
    const origBulk = store.activations.bulk.bind(store.activations);
    store.activations.bulk = ((docs: Parameters<typeof origBulk>[0]) => {
      bulks++;
      return origBulk(docs);
    }) as typeof store.activations.bulk;
    const acts = new ActivationStore(store);
    const writes = Array.from({ length: 150 }, (_, i) =>
      acts.store(activation(`id${i}`, 1000 + i, i % 2 ? 'a' : 'b')),
    );
    expect((await acts.get('guest', 'id3')).activationId).toBe('id3');
    await Promise.all(writes);
    expect(bulks).toBeLessThanOrEqual(3);
    await acts.close();
    expect((await acts.get('guest', 'id149')).response.result).toEqual({ ok: true });
    await expect(acts.get('other', 'id1')).rejects.toMatchObject({ status: 404 });
    const newest = await acts.list('guest', { limit: 2, skip: 0 });
    expect(newest.map((a) => a.activationId)).toEqual(['id149', 'id148']);
    expect(newest[0]).not.toHaveProperty('logs');
    const full = await acts.list('guest', { limit: 1, skip: 1, docs: true, name: 'a' });
    expect(full.map((a) => a.activationId)).toEqual(['id147']);
    expect(full[0]).toHaveProperty('logs', ['log line']);
    expect(await acts.count('guest', { name: 'b' })).toBe(75);
    expect(await acts.count('guest', { since: 1100 })).toBe(50);
    const window = await acts.list('guest', { limit: 200, skip: 0, since: 1010, upto: 1019 });
    expect(window).toHaveLength(10);
  });
});
