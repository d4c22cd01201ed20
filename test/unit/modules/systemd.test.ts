import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemd, systemdAvailable, systemdUnit } from '../../../engine/modules/systemd.ts';
import { type Harness, harness } from './support.ts';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('systemd', () => {
  it('renders a unit with systemd escaping', () => {
    const unit = systemdUnit({
      description: 'OpenWhisk controller0',
      execStart: ['/usr/bin/node', '/opt/owctl/bin/run-ts.js', 'with space', '100%', '$HOME'],
      workingDirectory: '/opt/owctl',
      environment: { NODE_ENV: 'production', GREETING: 'say "hi" 50%' },
      user: 'owctl',
    });
    expect(unit).toBe(
      [
        '[Unit]',
        'Description=OpenWhisk controller0',
        'After=network-online.target',
        'Wants=network-online.target',
        '',
        '[Service]',
        'Type=simple',
        'ExecStart=/usr/bin/node /opt/owctl/bin/run-ts.js "with space" 100%% $$HOME',
        'WorkingDirectory=/opt/owctl',
        'User=owctl',
        'Environment=NODE_ENV=production',
        'Environment="GREETING=say \\"hi\\" 50%%"',
        'Restart=always',
        'RestartSec=1',
        '',
        '[Install]',
        'WantedBy=multi-user.target',
        '',
      ].join('\n'),
    );
  });

  it('detects that systemd is not running here', async () => {
    expect(await systemdAvailable(h.transport)).toBe(false);
  });

  it('refuses clearly on a host without systemd, in check mode too, writing nothing', async () => {
    for (const check of [false, true]) {
      const res = await h.run(systemd({ name: 'owctl-test-unit', unit: '[Service]\n', state: 'started' }), {
        check,
      });
      expect(res.status).toBe('failed');
      expect(res.msg).toBe(
        'systemd is not running on host testhost (/run/systemd/system is missing), so owctl-test-unit.service cannot be managed; use the process module (supervised processes) for this host instead',
      );
    }
    expect(await h.transport.stat('/etc/systemd/system/owctl-test-unit.service')).toBeUndefined();
  });
});
