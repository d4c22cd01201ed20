import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { registerInventoryCommand } from '../../../bin/owctl/inventory.ts';
import { writeEnv } from './env-dir.ts';

async function owctl(args: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()) {
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const program = new Command('owctl').exitOverride();
  registerInventoryCommand(program, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    setExitCode: (c) => {
      exitCode = c;
    },
    env,
    cwd,
  });
  await program.parseAsync(['inventory', ...args], { from: 'user' });
  return { stdout, stderr, exitCode };
}

const ENV = {
  'hosts.ini':
    '[db]\ndb0 ansible_host=127.0.0.1\n[controllers]\nc0 ansible_host=127.0.0.1\n[core:children]\ncontrollers\n',
  'group_vars/all.yml': 'limit_invocations_per_minute: 100\nredis_password: r3dis\n',
};

describe('owctl inventory', () => {
  it('--json lists groups and _meta.hostvars like ansible-inventory, structured names nested', async () => {
    const dir = writeEnv(ENV);
    const { stdout, exitCode } = await owctl(['-i', dir, '--json']);
    expect(exitCode).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.all.children).toEqual(expect.arrayContaining(['db', 'core']));
    expect(out.core).toEqual({ children: ['controllers'] });
    expect(out.controllers).toEqual({ hosts: ['c0'] });
    expect(out._meta.hostvars.c0.limits.invocationsPerMinute).toBe(100);
    expect(out._meta.hostvars.c0.redis_password).toBe('********');
    expect(out._meta.hostvars.c0.db.password).toBe('********');
    expect(stdout).not.toContain('r3dis');
  });

  it('prints YAML by default and one host with --host; --show-secrets reveals', async () => {
    const dir = writeEnv(ENV);
    const { stdout } = await owctl([
      '-i',
      dir,
      '--host',
      'db0',
      '-e',
      'limits.firesPerMinute=7',
      '--show-secrets',
    ]);
    const vars = parseYaml(stdout);
    expect(vars.limits.firesPerMinute).toBe(7);
    expect(vars.redis_password).toBe('r3dis');
    expect(vars.db.password).toBe('some_passw0rd');
  });

  it('--explain lists each layer lowest first and marks the winner', async () => {
    const dir = writeEnv(ENV);
    const { stdout } = await owctl(
      ['-i', dir, '--explain', 'c0', 'limit_invocations_per_minute', '-e', 'limits.invocationsPerMinute=5'],
      {},
      dir,
    );
    expect(stdout.split('\n')).toEqual([
      'limits.invocationsPerMinute for host c0 (lowest precedence first):',
      '  defaults            60',
      '  group_vars/all.yml  100',
      '  -e                  5   <- wins',
      'value: 5',
      '',
    ]);
  });

  it('prints configuration problems to stderr and exits 1', async () => {
    const dir = writeEnv(ENV);
    const { stdout, stderr, exitCode } = await owctl(
      ['-i', dir, '-e', 'limits.invocationsPerMinute=lots'],
      {},
      dir,
    );
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('-e: limits.invocationsPerMinute: expected a positive integer, got "lots"');
  });

  it('names the missing host', async () => {
    const dir = writeEnv(ENV);
    const { stderr, exitCode } = await owctl(['-i', dir, '--host', 'nope']);
    expect(exitCode).toBe(1);
    expect(stderr).toContain('--host nope: no such host in environment env; its hosts are db0, c0');
  });
});
