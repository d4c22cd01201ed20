import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnvironment } from '../../../engine/inventory/index.ts';
import { writeEnv } from './env-dir.ts';

const HOSTS =
  'all:\n  children:\n    db:\n      hosts:\n        db0: { ansible_host: 10.0.0.5 }\n    web:\n      hosts:\n        localhost:\n';

async function load(groupVarsAll: string, extraVars: string[] = []) {
  const dir = writeEnv({ 'hosts.yml': HOSTS, 'group_vars/all.yml': groupVarsAll });
  return loadEnvironment(dir, { env: {}, cwd: dir, extraVars });
}

async function issues(groupVarsAll: string): Promise<string[]> {
  const err = await load(groupVarsAll).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).issues;
}

describe('variable references', () => {
  it('resolves {{ path }} recursively after merging, with Ansible-style spacing', async () => {
    const inv = await load(
      [
        'site: example.org',
        'api_host: "api.{{site}}"',
        'api_url: "https://{{ api_host }}:{{ gateway.port }}/api/v1"',
        'gateway: { port: 8443 }',
      ].join('\n'),
      ['site=example.net'],
    );
    expect(inv.hosts.get('localhost')!.vars.api_url).toBe('https://api.example.net:8443/api/v1');
  });

  it('keeps the type of a value that is exactly one reference', async () => {
    const inv = await load(
      'base_port: 20000\ncontroller: { basePort: "{{ base_port }}" }\nports: "{{ limits }}"\n',
    );
    const vars = inv.hosts.get('localhost')!.vars;
    expect(vars.controller.basePort).toBe(20000);
    expect(vars.ports).toMatchObject({ invocationsPerMinute: 60 });
  });

  it('offers inventory_hostname, group_names, groups and the flat knob names', async () => {
    const inv = await load(
      [
        'who: "{{ inventory_hostname }} in {{ group_names.[0] }}"',
        'first_db: "{{ groups.db.[0] }}"',
        'rate: "{{ limit_invocations_per_minute }}/min"',
      ].join('\n'),
    );
    const vars = inv.hosts.get('localhost')!.vars;
    expect(vars).toMatchObject({ who: 'localhost in web', first_db: 'db0', rate: '60/min' });
    expect(vars).not.toHaveProperty('inventory_hostname');
  });

  it('rejects an unknown reference naming the file, key, host and missing path', async () => {
    expect(await issues('db_url: "http://{{ db.hots }}:5984"\n')).toEqual([
      'group_vars/all.yml: db_url: "http://{{ db.hots }}:5984" references db.hots, which is not defined; define it or fix the name (host db0)',
      'group_vars/all.yml: db_url: "http://{{ db.hots }}:5984" references db.hots, which is not defined; define it or fix the name (host localhost)',
    ]);
  });

  it('reports a reference loop instead of recursing forever', async () => {
    const found = await issues('a: "{{ b }}"\nb: "x{{ c }}"\nc: "{{ a }}"\n');
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/group_vars\/all.yml: a: references form a loop: a -> b -> c -> a \(host db0\)/);
  });
});
