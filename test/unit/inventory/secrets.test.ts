import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadEnvironment, toPrintable } from '../../../engine/inventory/index.ts';
import { isSecret, Secret } from '../../../engine/secret.ts';
import { writeEnv } from './env-dir.ts';

describe('Secret', () => {
  it('masks itself in every printed form and reveals only on request', () => {
    const s = new Secret('hunter2');
    expect(`${s}`).toBe('********');
    expect(JSON.stringify({ s })).toBe('{"s":"********"}');
    expect(inspect({ s })).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2');
    expect(isSecret(s)).toBe(true);
    expect(isSecret('hunter2')).toBe(false);
  });
});

describe('secret variables', () => {
  it('wraps db.password and *_password / *_key / *_secret / auth_* variables; templates see plain text', async () => {
    const dir = writeEnv({
      'hosts.yml': 'all:\n  hosts:\n    localhost:\n',
      'group_vars/all.yml': [
        'db_password: s3cret',
        'redis_password: r3dis',
        'api_key: 12345',
        'oauth: { client_secret: cs }',
        'auth_guest: "uuid:key"',
        'couch_url: "http://{{ db.username }}:{{ db.password }}@db"',
        'keyring: not-secret',
      ].join('\n'),
    });
    const vars = (await loadEnvironment(dir, { env: {}, cwd: dir })).hosts.get('localhost')!.vars;
    expect(isSecret(vars.db.password) && vars.db.password.reveal()).toBe('s3cret');
    for (const v of [
      vars.redis_password,
      vars.api_key,
      (vars.oauth as { client_secret: unknown }).client_secret,
      vars.auth_guest,
    ]) {
      expect(isSecret(v)).toBe(true);
    }
    expect((vars.api_key as Secret).reveal()).toBe('12345');
    expect(vars.couch_url).toBe('http://whisk_admin:s3cret@db');
    expect(vars.keyring).toBe('not-secret');

    const printed = JSON.stringify(vars) + inspect(vars, { depth: 10 });
    for (const plain of ['s3cret"', 'r3dis', '12345', '"cs"', 'uuid:key'])
      expect(printed).not.toContain(plain);
    expect(toPrintable(vars, true)).toMatchObject({ redis_password: 'r3dis', auth_guest: 'uuid:key' });
  });

  it('explain never leaks the raw layer values of a secret', async () => {
    const dir = writeEnv({ 'hosts.yml': 'all:\n  hosts:\n    localhost:\n' });
    const inv = await loadEnvironment(dir, { env: { OW_DB_PASSWORD: 'pw-from-env' }, cwd: dir });
    const origins = inv.explain('localhost', 'db.password');
    expect(origins.map((o) => o.source)).toEqual(['defaults', 'env OW_DB_PASSWORD']);
    expect(JSON.stringify(origins)).not.toContain('pw-from-env');
    expect((origins[1]!.value as Secret).reveal()).toBe('pw-from-env');
  });
});
