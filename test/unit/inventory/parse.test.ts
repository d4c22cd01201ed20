import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnvironment } from '../../../engine/inventory/index.ts';
import { FIXTURES, REPO, writeEnv } from './env-dir.ts';

const load = (env: string) => loadEnvironment(env, { env: {}, cwd: REPO });

describe('YAML inventory', () => {
  it('reads groups, nested children, host ranges and ungrouped hosts', async () => {
    const inv = await load(join(FIXTURES, 'yaml-cluster'));
    expect(inv.name).toBe('yaml-cluster');
    expect([...inv.hosts.keys()]).toEqual([
      'bastion',
      'db0',
      'controller0',
      'controller1',
      'invoker0',
      'invoker1',
    ]);
    expect(inv.groups.get('core')).toEqual(['controller0', 'controller1', 'invoker0', 'invoker1']);
    expect(inv.groups.get('ungrouped')).toEqual(['bastion']);
    expect(inv.children.get('core')).toEqual(['controllers', 'invokers']);
    expect(inv.hosts.get('invoker0')!.groups).toEqual(['all', 'core', 'invokers']);
    expect(inv.hosts.get('invoker1')!.vars.ansible_user).toBe('ow');
  });

  it('applies group_vars parents before children, a group folder in name order, host_vars last', async () => {
    const inv = await load(join(FIXTURES, 'yaml-cluster'));
    expect(inv.hosts.get('bastion')!.vars.tier).toBe('all');
    expect(inv.hosts.get('controller0')!.vars.tier).toBe('controllers');
    expect(inv.hosts.get('invoker0')!.vars.tier).toBe('invokers');
    expect(inv.hosts.get('invoker1')!.vars.tier).toBe('invoker1');
    const invoker = inv.hosts.get('invoker0')!.vars.invoker;
    // 10-base.yml, then the extension-less 20-more (prewarm: no), deep-merged onto group_vars/all.
    expect(invoker).toMatchObject({
      idleTimeoutMs: 30000,
      prewarm: false,
      containerFactory: 'docker',
      pauseGraceMs: 75,
    });
    expect(invoker.userMemoryMB).toBe(4096); // "4g" from the inventory's invokers vars
    expect(inv.hosts.get('invoker1')!.vars.invoker.userMemoryMB).toBe(1024);
  });

  it('rejects unknown keys in a group with the place to put variables', async () => {
    const dir = writeEnv({ 'hosts.yml': 'all:\n  hosts:\n    a:\n  limits: {}\n' });
    await expect(load(dir)).rejects.toThrow(/hosts.yml: all.limits: unknown key; .*all.vars/);
  });

  it('names the file and line of a YAML syntax error', async () => {
    const dir = writeEnv({
      'hosts.yml': 'all:\n  hosts:\n    a:\n',
      'group_vars/all.yml': 'a: [1, 2\nb: 3\n',
    });
    const err = await load(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]).toMatch(/group_vars\/all.yml:\d+:\d+: invalid YAML/);
  });

  it('reports groups that contain each other', async () => {
    const dir = writeEnv({ 'hosts.ini': '[a:children]\nb\n[b:children]\na\n[a]\nh1\n' });
    await expect(load(dir)).rejects.toThrow(/groups contain each other: (a -> b -> a|b -> a -> b)/);
  });
});

describe('INI inventory', () => {
  it('reads sections, :children, :vars, host:port and value types as Ansible does', async () => {
    const inv = await load(join(FIXTURES, 'ini-cluster'));
    expect(inv.groups.get('ungrouped')).toEqual(['loose']);
    expect(inv.children.get('core')).toEqual(['controllers', 'invokers']);
    expect(inv.match('core')).toEqual(['controller0', 'controller1', 'invoker0', 'invoker1']);
    const db0 = inv.hosts.get('db0')!.vars;
    expect(db0).toMatchObject({ ansible_host: '192.0.2.10', ansible_port: 2222, ansible_become: true });
    const c0 = inv.hosts.get('controller0')!.vars;
    expect(c0).toMatchObject({ motto: 'hello world', weight: 1.5, enabled: true });
    expect(inv.hosts.get('controller1')!.vars.ansible_port).toBe(2201);
    const i0 = inv.hosts.get('invoker0')!.vars;
    expect(i0).toMatchObject({ user_memory: '4g', quoted_number: '42', containerFactory_note: 'docker' });
    expect(inv.hosts.get('invoker1')!.vars.ansible_host).toBe('192.0.2.31');
  });

  it('reads group_vars/all without extension and maps its knobs', async () => {
    const inv = await load(join(FIXTURES, 'ini-cluster'));
    expect(inv.hosts.get('loose')!.vars.db.prefix).toBe('ini_');
    expect(inv.hosts.get('loose')!.vars.limits.concurrentInvocations).toBe(35);
    expect(inv.hosts.get('invoker0')!.vars.limits.concurrentInvocations).toBe(45);
    expect(inv.hosts.get('controller0')!.vars.limits.concurrentInvocations).toBe(55);
  });

  it('expands host ranges with zero padding', async () => {
    const dir = writeEnv({
      hosts: '[invokers]\ninvoker[01:03] ansible_connection=local\n[edge]\nedge-[a:b]\n',
    });
    const inv = await load(dir);
    expect(inv.groups.get('invokers')).toEqual(['invoker01', 'invoker02', 'invoker03']);
    expect(inv.groups.get('edge')).toEqual(['edge-a', 'edge-b']);
  });

  it('names file and line of a malformed host line', async () => {
    const dir = writeEnv({ hosts: '[db]\ndb0 ansible_host 10.0.0.1\n' });
    const err = (await load(dir).catch((e: unknown) => e)) as ConfigError;
    expect(err.issues.join('\n')).toMatch(/hosts:2: "ansible_host": expected key=value/);
  });
});

describe('finding the environment', () => {
  it('accepts a name under environments/', async () => {
    const inv = await load('local');
    expect(inv.dir).toBe(join(REPO, 'environments/local'));
    expect(inv.match('controllers')).toEqual(['localhost']);
  });

  it('accepts the inventory file itself, as ansible -i does', async () => {
    const inv = await load(join(FIXTURES, 'yaml-cluster/hosts.yml'));
    expect(inv.dir).toBe(join(FIXTURES, 'yaml-cluster'));
    expect(inv.hosts.get('invoker1')!.vars.tier).toBe('invoker1');
  });

  it('ships local (embedded CouchDB, process actions) and docker-local (CouchDB and actions in Docker)', async () => {
    const local = (await load('local')).hosts.get('localhost')!;
    expect(local.groups).toEqual(
      expect.arrayContaining(['db', 'controllers', 'invokers', 'edge', 'apigateway']),
    );
    expect(local.vars).toMatchObject({ ansible_connection: 'local', ansible_host: '127.0.0.1' });
    expect(local.vars.db).toMatchObject({
      provider: 'embedded',
      host: '127.0.0.1',
      port: 5984,
      prefix: 'whisk_local_',
    });
    expect(local.vars.invoker.containerFactory).toBe('process');
    expect(local.vars.deploy_dir.startsWith(local.vars.owctl_home)).toBe(true); // no root needed
    const docker = (await load('docker-local')).hosts.get('localhost')!;
    expect(docker.vars.db.provider).toBe('docker');
    expect(docker.vars.invoker.containerFactory).toBe('docker');
    expect(docker.vars.gateway.port).toBe(3233);
  });

  it('says where it looked and what exists when the environment is missing', async () => {
    await expect(load('nowhere')).rejects.toThrow(/environment "nowhere" not found .*local/);
  });

  it('says which files it expects in a folder without an inventory', async () => {
    const dir = writeEnv({ 'group_vars/all.yml': 'a: 1\n' });
    await expect(load(dir)).rejects.toThrow(/no inventory file; create hosts.yml/);
  });
});
