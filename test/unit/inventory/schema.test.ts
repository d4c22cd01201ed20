import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnvironment } from '../../../engine/inventory/index.ts';
import { writeEnv } from './env-dir.ts';

async function problems(
  files: Record<string, string>,
  extraVars: string[] = [],
  env = {},
): Promise<string[]> {
  const dir = writeEnv({ 'hosts.yml': 'all:\n  hosts:\n    localhost:\n    other:\n', ...files }, 'x');
  const err = await loadEnvironment(dir, { env, cwd: dir, extraVars }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).issues;
}

describe('validation', () => {
  it('names the file, key, value and expectation', async () => {
    const issues = await problems({ 'group_vars/all.yml': 'limits:\n  invocationsPerMinute: lots\n' });
    expect(issues).toEqual([
      'group_vars/all.yml: limits.invocationsPerMinute: expected a positive integer, got "lots"',
    ]);
  });

  it('lists every problem from every layer at once', async () => {
    const issues = await problems(
      {
        'group_vars/all.yml': 'db: { provider: k8s }\ninvoker: { userMemoryMB: lots }\n',
        'host_vars/other.yml': 'controller: { basePort: 70000 }\nansible_connection: telnet\n',
      },
      ['limit_fires_per_minute=-1'],
      { OW_DB_PROTOCOL: 'gopher' },
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        'group_vars/all.yml: db.provider: expected one of embedded, docker, external, got "k8s"',
        'group_vars/all.yml: invoker.userMemoryMB: expected a memory size such as 2048, "2048m" or "2g", got "lots"',
        'host_vars/other.yml: controller.basePort: expected a TCP port (1-65535), got 70000',
        'host_vars/other.yml: ansible_connection: expected one of local, ssh, docker, got "telnet"',
        '-e: limits.firesPerMinute: expected a positive integer, got -1',
        'env OW_DB_PROTOCOL: db.protocol: expected one of http, https, got "gopher"',
      ]),
    );
    // The same bad value in group_vars/all is one problem, not one per host.
    expect(issues.filter((i) => i.includes('db.provider'))).toHaveLength(1);
  });

  it('blames the file that replaced a mapping with a scalar', async () => {
    const issues = await problems({ 'host_vars/localhost.yml': 'limits: 5\n' });
    expect(issues).toEqual(['host_vars/localhost.yml: limits: expected a mapping of keys to values, got 5']);
  });

  it('checks action limit ranges and never prints a secret value', async () => {
    const issues = await problems({
      'group_vars/all.yml': 'actionLimits:\n  memory: { min: 600 }\ndb: { password: { nested: true } }\n',
    });
    expect(issues).toContain(
      'group_vars/all.yml: actionLimits.memory: expected min <= std <= max, got {"min":600,"max":512,"std":256}',
    );
    expect(issues).toContain('group_vars/all.yml: db.password: expected a string, got (a secret value)');
  });

  it('accepts Ansible spellings: sizes with units, yes/no booleans, numeric strings', async () => {
    const dir = writeEnv({
      'hosts.ini': 'h1 ansible_port=2200 ansible_become=no\n',
      'group_vars/all.yml':
        'invoker: { userMemoryMB: 2048m, prewarm: "off" }\ngateway: { maxBodyBytes: 65M, tls: { enabled: yes } }\nforks: "4"\n',
    });
    const vars = (await loadEnvironment(dir, { env: {}, cwd: dir })).hosts.get('h1')!.vars;
    expect(vars.invoker).toMatchObject({ userMemoryMB: 2048, prewarm: false });
    expect(vars.gateway).toMatchObject({ maxBodyBytes: 65 * 1024 * 1024, tls: { enabled: true } });
    expect(vars).toMatchObject({
      forks: 4,
      ansible_port: 2200,
      ansible_become: false,
      ansible_connection: 'ssh',
    });
  });

  it('keeps unknown variables so users can add their own', async () => {
    const dir = writeEnv({
      'hosts.yml': 'all:\n  hosts:\n    localhost:\n',
      'group_vars/all.yml': 'my_team: blue\ninvoker: { my_knob: 3 }\n',
    });
    const vars = (await loadEnvironment(dir, { env: {}, cwd: dir })).hosts.get('localhost')!.vars;
    expect(vars.my_team).toBe('blue');
    expect(vars.invoker).toMatchObject({ my_knob: 3 });
  });
});
