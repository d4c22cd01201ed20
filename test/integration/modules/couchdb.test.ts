import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { couchdbDatabase } from '../../../engine/modules/couchdb_database.ts';
import { couchdbDocument } from '../../../engine/modules/couchdb_document.ts';
import { couchdbSecurity } from '../../../engine/modules/couchdb_security.ts';
import { Secret } from '../../../engine/secret.ts';
import { freePort } from '../../support/ports.ts';
import { type Harness, harness } from '../../unit/modules/support.ts';
import { startPouchdbServer } from './pouchdb.ts';

let couch: { url: string; close(): Promise<void> };
let h: Harness;
beforeAll(async () => {
  couch = await startPouchdbServer();
});
afterAll(async () => {
  await couch.close();
});
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

const get = async (path: string) =>
  (await fetch(`${couch.url}/${path}`)).json() as Promise<Record<string, unknown>>;

describe('couchdb_database', () => {
  it('creates once; check mode creates nothing', async () => {
    const check = await h.run(couchdbDatabase({ url: couch.url, db: 'whisk_subjects' }), {
      check: true,
      diff: true,
    });
    expect(check).toMatchObject({ status: 'changed', msg: 'would create database whisk_subjects' });
    expect((await get('whisk_subjects')).error).toBe('not_found');
    expect((await h.run(couchdbDatabase({ url: couch.url, db: 'whisk_subjects' }))).status).toBe('changed');
    expect((await get('whisk_subjects')).db_name).toBe('whisk_subjects');
    expect((await h.run(couchdbDatabase({ url: couch.url, db: 'whisk_subjects' }))).status).toBe('ok');
  });

  it('deletes only with an explicit purge', async () => {
    await h.run(couchdbDatabase({ url: couch.url, db: 'doomed' }));
    const refused = await h.run(couchdbDatabase({ url: couch.url, db: 'doomed', state: 'absent' }));
    expect(refused.status).toBe('failed');
    expect(refused.msg).toContain('refusing to delete database doomed');
    expect(refused.msg).toContain('purge: true');
    expect((await get('doomed')).db_name).toBe('doomed');
    expect(
      (await h.run(couchdbDatabase({ url: couch.url, db: 'doomed', state: 'absent', purge: true }))).status,
    ).toBe('changed');
    expect((await get('doomed')).error).toBe('not_found');
    expect(
      (await h.run(couchdbDatabase({ url: couch.url, db: 'doomed', state: 'absent', purge: true }))).status,
    ).toBe('ok');
  });

  it('fails naming the server (without credentials) when it is unreachable', async () => {
    const port = await freePort();
    const url = new Secret(`http://admin:hunter2@127.0.0.1:${port}`);
    const res = await h.run(couchdbDatabase({ url, db: 'x' }));
    expect(res.status).toBe('failed');
    expect(res.msg).toContain(`database x on http://127.0.0.1:${port}/`);
    expect(res.msg).toContain('is CouchDB up and reachable from the controller');
    expect(res.msg).not.toContain('hunter2');
  });
});

describe('couchdb_document', () => {
  const guest = (key: string | Secret) =>
    couchdbDocument({
      url: couch.url,
      db: 'subjects',
      id: 'guest',
      doc: { subject: 'guest', namespaces: [{ name: 'guest', uuid: 'u-1', key }] },
    });

  it('upserts: creates, is ok when equal (ignoring _rev and key order), updates with the current _rev', async () => {
    await h.run(couchdbDatabase({ url: couch.url, db: 'subjects' }));
    expect((await h.run(guest('k1'))).status).toBe('changed');
    const again = await h.run(guest('k1'));
    expect(again.status).toBe('ok');
    const reordered = couchdbDocument({
      url: couch.url,
      db: 'subjects',
      id: 'guest',
      doc: { namespaces: [{ key: 'k1', uuid: 'u-1', name: 'guest' }], subject: 'guest' },
    });
    expect((await h.run(reordered)).status).toBe('ok');
    const diff = await h.run(guest('k2'), { check: true, diff: true });
    expect(diff.status).toBe('changed');
    expect(diff.diff?.[0]?.before).toContain('"key": "k1"');
    expect(diff.diff?.[0]?.after).toContain('"key": "k2"');
    expect(((await get('subjects/guest')).namespaces as { key: string }[])[0]?.key).toBe('k1');
    const updated = await h.run(guest('k2'));
    expect(updated.status).toBe('changed');
    expect(String(updated.data?.rev)).toMatch(/^2-/);
  });

  it('stores Secrets revealed but masks them in the diff', async () => {
    await h.run(couchdbDatabase({ url: couch.url, db: 'subjects' }));
    const res = await h.run(guest(new Secret('very-secret-key')), { diff: true });
    expect(res.status).toBe('changed');
    expect(JSON.stringify(res)).not.toContain('very-secret-key');
    expect(res.diff?.[0]?.after).toBe('(document with secrets changed)\n');
    expect(((await get('subjects/guest')).namespaces as { key: string }[])[0]?.key).toBe('very-secret-key');
    expect((await h.run(guest(new Secret('very-secret-key')))).status).toBe('ok');
  });

  it('fails clearly when the database is missing', async () => {
    const res = await h.run(couchdbDocument({ url: couch.url, db: 'nodb', id: 'a', doc: { a: 1 } }));
    expect(res.status).toBe('failed');
    expect(res.msg).toMatch(
      /^writing document a \(database nodb on http:\/\/127\.0\.0\.1:\d+\/, task on host testhost\) failed: HTTP 404/,
    );
  });
});

describe('couchdb_security', () => {
  it('sets members once and diffs changes', async () => {
    await h.run(couchdbDatabase({ url: couch.url, db: 'secured' }));
    const wanted = couchdbSecurity({ url: couch.url, db: 'secured', members: { names: ['whisk_admin'] } });
    const check = await h.run(wanted, { check: true, diff: true });
    expect(check.status).toBe('changed');
    expect(check.diff?.[0]?.after).toContain('"whisk_admin"');
    expect(await get('secured/_security')).toEqual({});
    expect((await h.run(wanted)).status).toBe('changed');
    expect(await get('secured/_security')).toMatchObject({ members: { names: ['whisk_admin'] } });
    expect((await h.run(wanted)).status).toBe('ok');
  });
});
