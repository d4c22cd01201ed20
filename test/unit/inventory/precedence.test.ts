import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnvironment, parseExtraVars } from '../../../engine/inventory/index.ts';
import { writeEnv } from './env-dir.ts';

/** One host `h1` in groups parent > child, with every file layer setting `tier` and limits. */
function layeredEnv(): string {
  return writeEnv({
    'hosts.yml': [
      'all:',
      '  vars: { tier: inventory-all }',
      '  children:',
      '    parent:',
      '      children:',
      '        child:',
      '          hosts:',
      '            h1: { tier: host-line, ansible_host: 127.0.0.1 }',
      '          vars: { tier: inventory-child }',
    ].join('\n'),
    'group_vars/all.yml': 'tier: group_vars-all\nlimits: { invocationsPerMinute: 11, firesPerMinute: 12 }\n',
    'group_vars/parent.yml': 'tier: group_vars-parent\nlimits: { invocationsPerMinute: 21 }\n',
    'group_vars/child.yml': 'tier: group_vars-child\n',
    'host_vars/h1.yml': 'tier: host_vars\ndb: { host: from-host-vars }\n',
  });
}

describe('precedence', () => {
  it('stacks defaults < group_vars/all < parent < child < inventory vars < host line < host_vars', async () => {
    const dir = layeredEnv();
    const inv = await loadEnvironment(dir, { env: {}, cwd: dir });
    const origins = inv.explain('h1', 'tier');
    expect(origins.map((o) => o.source)).toEqual([
      'group_vars/all.yml',
      'group_vars/parent.yml',
      'group_vars/child.yml',
      'hosts.yml (group all)',
      'hosts.yml (group child)',
      'hosts.yml (host h1)',
      'host_vars/h1.yml',
    ]);
    expect(inv.hosts.get('h1')!.vars.tier).toBe('host_vars');
  });

  it('deep-merges dicts across layers (hash_behaviour=merge)', async () => {
    const dir = layeredEnv();
    const inv = await loadEnvironment(dir, { env: {}, cwd: dir });
    expect(inv.hosts.get('h1')!.vars.limits).toMatchObject({
      invocationsPerMinute: 21,
      firesPerMinute: 12,
      sequenceMaxLength: 50,
    });
    expect(inv.hosts.get('h1')!.vars.db).toMatchObject({
      host: 'from-host-vars',
      port: 5984,
      username: 'whisk_admin',
    });
  });

  it('OW_DB_* environment variables beat files, -e beats everything', async () => {
    const dir = layeredEnv();
    const env = { OW_DB: 'cloudant', OW_DB_HOST: 'db.example', OW_DB_PORT: '6984', OW_DB_PROTOCOL: 'HTTPS' };
    const inv = await loadEnvironment(dir, { env, cwd: dir, extraVars: ['db.port=7000', 'tier=cli'] });
    const vars = inv.hosts.get('h1')!.vars;
    expect(vars.db).toMatchObject({ kind: 'Cloudant', host: 'db.example', port: 7000, protocol: 'https' });
    expect(vars.tier).toBe('cli');
    expect(inv.explain('h1', 'db.host')).toEqual([
      { source: 'defaults', value: '127.0.0.1' },
      { source: 'host_vars/h1.yml', value: 'from-host-vars' },
      { source: 'env OW_DB_HOST', value: 'db.example' },
    ]);
    expect(inv.explain('h1', 'db.port').map((o) => [o.source, o.value])).toEqual([
      ['defaults', 5984],
      ['env OW_DB_PORT', 6984],
      ['-e', 7000],
    ]);
  });

  it('OW_DB_USERNAME / OW_DB_PASSWORD set the credentials; the default host is the first db host', async () => {
    const dir = writeEnv({
      'hosts.yml':
        'all:\n  children:\n    db:\n      hosts:\n        db0: { ansible_host: 10.9.8.7 }\n        db1:\n    web:\n      hosts:\n        w1:\n',
    });
    const plain = await loadEnvironment(dir, { env: {}, cwd: dir });
    expect(plain.hosts.get('w1')!.vars.db.host).toBe('10.9.8.7');
    const inv = await loadEnvironment(dir, {
      env: { OW_DB_USERNAME: 'admin', OW_DB_PASSWORD: '0123' },
      cwd: dir,
    });
    const db = inv.hosts.get('w1')!.vars.db;
    expect(db.username).toBe('admin');
    expect(db.password.reveal()).toBe('0123');
  });
});

describe('OpenWhisk knobs', () => {
  it('a flat knob in a higher layer overrides the structured value below it', async () => {
    const dir = writeEnv({
      'hosts.yml': 'all:\n  hosts:\n    localhost:\n',
      'group_vars/all.yml': 'limits: { invocationsPerMinute: 100, sequenceMaxLength: 120 }\n',
      'host_vars/localhost.yml':
        'limit_invocations_per_minute: 300\nlimit_invocations_concurrent_system: 10\n',
    });
    const inv = await loadEnvironment(dir, { env: {}, cwd: dir });
    expect(inv.hosts.get('localhost')!.vars.limits).toEqual({
      invocationsPerMinute: 300,
      concurrentInvocations: 30,
      concurrentInvocationsSystem: 10,
      firesPerMinute: 60,
      sequenceMaxLength: 120,
    });
    expect(inv.hosts.get('localhost')!.vars).not.toHaveProperty('limit_invocations_per_minute');
  });

  it('a structured value in a higher layer overrides the flat knob below it', async () => {
    const dir = writeEnv({
      'hosts.yml': 'all:\n  hosts:\n    localhost:\n',
      'group_vars/all.yml': 'limit_fires_per_minute: 5\nlimit_sequence_max_length: 7\ndb_prefix: team_\n',
    });
    const inv = await loadEnvironment(dir, {
      env: {},
      cwd: dir,
      extraVars: ['limits.firesPerMinute=9', '{"db": {"prefix": "cli_"}}'],
    });
    const vars = inv.hosts.get('localhost')!.vars;
    expect(vars.limits.firesPerMinute).toBe(9);
    expect(vars.limits.sequenceMaxLength).toBe(7);
    expect(vars.db.prefix).toBe('cli_');
    // explain accepts the flat name and reports the structured origins.
    expect(inv.explain('localhost', 'limit_fires_per_minute')).toEqual([
      { source: 'defaults', value: 60 },
      { source: 'group_vars/all.yml', value: 5 },
      { source: '-e', value: 9 },
    ]);
  });

  it('has OpenWhisk defaults for every knob', async () => {
    const dir = writeEnv({ 'hosts.yml': 'all:\n  hosts:\n    localhost:\n' });
    const vars = (await loadEnvironment(dir, { env: {}, cwd: dir })).hosts.get('localhost')!.vars;
    expect(vars.limits).toEqual({
      invocationsPerMinute: 60,
      concurrentInvocations: 30,
      concurrentInvocationsSystem: 5000,
      firesPerMinute: 60,
      sequenceMaxLength: 50,
    });
    expect(vars.db).toMatchObject({ provider: 'embedded', kind: 'CouchDB', protocol: 'http', port: 5984 });
    expect(vars.db).toMatchObject({ host: '127.0.0.1', username: 'whisk_admin', prefix: 'whisk_local_' });
    expect(vars.db.password.reveal()).toBe('some_passw0rd');
    expect(vars.actionLimits.memory).toEqual({ min: 128, max: 512, std: 256 });
    expect(vars.actionLimits.timeout).toEqual({ min: 100, max: 300000, std: 60000 });
    expect(vars.gateway).toMatchObject({ port: 3233, maxBodyBytes: 67108864 });
    expect(vars.controller).toEqual({ basePort: 10001, bindHost: '127.0.0.1' });
    expect(vars.invoker).toMatchObject({ port: 12001, userMemoryMB: 2048, containerFactory: 'process' });
    expect(vars).toMatchObject({
      ansible_host: '127.0.0.1',
      ansible_connection: 'local',
      deploy_dir: '/opt/owctl',
    });
  });
});

describe('-e extra vars', () => {
  it('parses key=value with dotted keys and YAML scalars, quoted text staying text', () => {
    const [layer] = parseExtraVars(['a.b=5 flag=yes name="007" ver=1.10 pw=0123 empty= text=hello']);
    expect(layer).toEqual({
      source: '-e',
      vars: { a: { b: 5 }, flag: true, name: '007', ver: '1.10', pw: '0123', empty: '', text: 'hello' },
    });
  });

  it('reads @file relative to cwd and inline JSON, later arguments winning', async () => {
    const dir = writeEnv({
      'hosts.yml': 'all:\n  hosts:\n    localhost:\n',
      'over.yml': 'limits:\n  firesPerMinute: 3\n',
    });
    const inv = await loadEnvironment(dir, {
      env: {},
      cwd: dir,
      extraVars: [
        '@over.yml',
        '{"limits": {"firesPerMinute": 4, "sequenceMaxLength": 8}}',
        'limits.sequenceMaxLength=9',
      ],
    });
    expect(inv.hosts.get('localhost')!.vars.limits).toMatchObject({
      firesPerMinute: 4,
      sequenceMaxLength: 9,
    });
    expect(inv.explain('localhost', 'limits.firesPerMinute').map((o) => o.source)).toEqual([
      'defaults',
      '-e @over.yml',
      '-e',
    ]);
  });

  it('reports every malformed argument at once', () => {
    const dir = writeEnv({ 'list.yml': '- a\n- b\n' });
    let err: unknown;
    try {
      parseExtraVars(['novalue', '@missing.yml', '@list.yml'], dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/"novalue" is not key=value; write -e key=value/);
    expect(issues[1]).toMatch(/-e @missing.yml: cannot read .*missing.yml/);
    expect(issues[2]).toMatch(/-e @list.yml: expected a mapping/);
  });
});
