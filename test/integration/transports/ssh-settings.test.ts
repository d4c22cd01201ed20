import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { knownHostsName, knownKeysFor } from '../../../engine/transports/known-hosts.ts';
import { sshSettingsFor } from '../../../engine/transports/ssh-settings.ts';
import { inventoryHost } from '../../support/hosts.ts';

describe('known_hosts lookup', () => {
  const dir = mkdtempSync(`${tmpdir()}/owctl-known-`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${dir}/k`]);
  const [type, b64] = readFileSync(`${dir}/k.pub`, 'utf8').split(' ');
  const key = `${type} ${b64}`;

  it('matches plain, [host]:port, wildcard and negated patterns the way OpenSSH does', async () => {
    const file = `${dir}/plain`;
    writeFileSync(
      file,
      [
        '# comment',
        `web1,10.0.0.5 ${key}`,
        `[10.0.0.6]:2222 ${key}`,
        `*.example.org,!bad.example.org ${key}`,
        `@cert-authority *.ca.test ${key}`,
        `@revoked 10.0.0.9 ${key}`,
        '',
      ].join('\n'),
    );
    const count = async (host: string, port = 22) =>
      (await knownKeysFor([file, `${dir}/missing`], host, port)).length;
    expect(await count('10.0.0.5')).toBe(1);
    expect(await count('10.0.0.5', 2222)).toBe(0);
    expect(await count('10.0.0.6', 2222)).toBe(1);
    expect(await count('10.0.0.6')).toBe(0);
    expect(await count('a.example.org')).toBe(1);
    expect(await count('bad.example.org')).toBe(0);
    expect(await count('x.ca.test')).toBe(0);
    const [revoked] = await knownKeysFor([file], '10.0.0.9', 22);
    expect(revoked).toMatchObject({ revoked: true, where: `${file}:6` });
    expect(revoked?.blob.equals(Buffer.from(b64!, 'base64'))).toBe(true);
  });

  it('matches hashed entries written by ssh-keygen -H, including non-standard ports', async () => {
    const file = `${dir}/hashed`;
    writeFileSync(file, `10.1.1.1 ${key}\n${knownHostsName('10.1.1.2', 2200)} ${key}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    expect(readFileSync(file, 'utf8')).not.toContain('10.1.1.');
    expect(await knownKeysFor([file], '10.1.1.1', 22)).toHaveLength(1);
    expect(await knownKeysFor([file], '10.1.1.2', 2200)).toHaveLength(1);
    expect(await knownKeysFor([file], '10.1.1.2', 22)).toHaveLength(0);
  });
});

describe('ssh settings from inventory vars', () => {
  const host = (vars: Record<string, unknown>) =>
    sshSettingsFor(
      inventoryHost('db1', { ansible_connection: 'ssh', ansible_host: '10.2.0.4', ...vars }),
      {},
    );

  it('reads Ansible connection vars with OpenSSH defaults', () => {
    const s = host({
      ansible_user: 'deploy',
      ansible_port: 2022,
      ansible_become: 'yes',
      ansible_ssh_timeout: 3,
    });
    expect(s).toMatchObject({ address: '10.2.0.4', port: 2022, username: 'deploy', become: true });
    expect(s.connectTimeoutMs).toBe(3000);
    expect(s.hostKeyChecking).toBe(true);
    expect(host({}).connectTimeoutMs).toBe(10_000);
  });

  it('honours host_key_checking and ANSIBLE_HOST_KEY_CHECKING', () => {
    expect(host({ host_key_checking: false }).hostKeyChecking).toBe(false);
    const env = { ANSIBLE_HOST_KEY_CHECKING: 'False' };
    expect(sshSettingsFor(inventoryHost('db1', { ansible_host: 'x' }), env).hostKeyChecking).toBe(false);
  });

  it('applies the supported ansible_ssh_extra_args and refuses the rest by name', () => {
    const s = host({
      ansible_ssh_extra_args:
        '-o StrictHostKeyChecking=no -oConnectTimeout=4 -o "UserKnownHostsFile=/a /b" -o ControlMaster=auto',
    });
    expect(s).toMatchObject({
      hostKeyChecking: false,
      connectTimeoutMs: 4000,
      knownHostsFiles: ['/a', '/b'],
    });
    expect(() => host({ ansible_ssh_extra_args: '-o ProxyCommand=nc' })).toThrow(
      /host db1: ssh option "ProxyCommand=nc" in ansible_ssh_extra_args is not supported/,
    );
    expect(() => host({ ansible_ssh_extra_args: '-A' })).toThrow(/"-A" is not supported/);
    expect(() => host({ ansible_ssh_timeout: 'soon' })).toThrow(
      /ansible_ssh_timeout must be a positive number/,
    );
  });
});
