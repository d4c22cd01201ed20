import { describe, expect, it } from 'vitest';
import type { Host } from '../../../engine/inventory/types.ts';
import { LocalTransport } from '../../../engine/transports/local.ts';
import { serviceManager, serviceUnitText } from '../../../playbooks/lib/manager.ts';

const host = (vars: Record<string, unknown>) =>
  ({ name: 'h', groups: ['all'], vars: { ansible_host: '10.0.0.5', ...vars } }) as unknown as Host;

describe('service manager', () => {
  it('uses the supervisor for local hosts and hosts without systemd, and honours service_manager', async () => {
    const t = new LocalTransport('h');
    expect(await serviceManager(host({ ansible_connection: 'local' }), t)).toBe('supervisor');
    // This machine runs no systemd, so auto picks the supervisor for a remote host too.
    expect(await serviceManager(host({ ansible_connection: 'ssh' }), t)).toBe('supervisor');
    expect(await serviceManager(host({ ansible_connection: 'ssh', service_manager: 'systemd' }), t)).toBe(
      'systemd',
    );
    await expect(serviceManager(host({ service_manager: 'upstart' }), t)).rejects.toThrow(
      /service_manager must be auto, systemd or supervisor/,
    );
  });

  it('renders a unit that runs the same command, logs to the same file and changes with the config', () => {
    const args = {
      name: 'owctl-prod-controller0',
      command: [
        '/opt/owctl/node/bin/node',
        '/opt/owctl/release/bin/run-ts.js',
        'services/controller/main.ts',
        '/opt/owctl/state/config/controller0.json',
      ],
      cwd: '/opt/owctl/release',
      logFile: '/opt/owctl/state/logs/controller0.log',
      state: 'started' as const,
      configHash: 'abc123',
    };
    const unit = serviceUnitText(args);
    expect(unit).toContain(
      'ExecStart=/opt/owctl/node/bin/node /opt/owctl/release/bin/run-ts.js services/controller/main.ts',
    );
    expect(unit).toContain('WorkingDirectory=/opt/owctl/release');
    expect(unit).toContain('StandardOutput=append:/opt/owctl/state/logs/controller0.log');
    expect(unit).toContain('Environment=OWCTL_CONFIG_HASH=abc123');
    expect(unit).toContain('Restart=always');
    expect(serviceUnitText({ ...args, configHash: 'def456' })).not.toBe(unit);
  });
});
