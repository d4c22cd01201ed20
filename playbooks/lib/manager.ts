/**
 * Who keeps a service running on a host: systemd where it runs (a unit per service), owctl's own
 * supervisor elsewhere (pid and state files). Chosen per host by `service_manager`:
 * - `auto` (default): systemd on remote hosts whose init is systemd; the supervisor on `local`
 *   hosts (a laptop deploy never writes units into /etc) and on hosts without systemd;
 * - `systemd` or `supervisor`: forced.
 * Either way the service writes to the same log file, so `owctl logs` works the same.
 */

import type { Host } from '../../engine/inventory/types.ts';
import { call, type Module, type ModuleCall, type ModuleContext } from '../../engine/modules/module.ts';
import { type ProcessArgs, processModule, processStatus } from '../../engine/modules/process.ts';
import { systemdAvailable, systemdModule, systemdUnit } from '../../engine/modules/systemd.ts';
import { quote } from '../../engine/transports/shell.ts';
import type { Transport } from '../../engine/transports/transport.ts';
import { isLocal } from './paths.ts';

export type ServiceManager = 'systemd' | 'supervisor';

export async function serviceManager(host: Host, transport: Transport): Promise<ServiceManager> {
  const wanted = host.vars.service_manager ?? 'auto';
  if (wanted === 'systemd' || wanted === 'supervisor') return wanted;
  if (wanted !== 'auto') {
    throw new Error(
      `host ${host.name}: service_manager must be auto, systemd or supervisor, got ${JSON.stringify(wanted)}`,
    );
  }
  return !isLocal(host) && (await systemdAvailable(transport)) ? 'systemd' : 'supervisor';
}

/** The unit for a service: same command, cwd and log file as under the supervisor. */
export function serviceUnitText(args: ProcessArgs): string {
  const environment: Record<string, string> = args.configHash ? { OWCTL_CONFIG_HASH: args.configHash } : {};
  const unit = systemdUnit({
    description: `owctl ${args.name}`,
    execStart: args.command,
    workingDirectory: args.cwd,
    // The hash makes a config or release change a unit change, which restarts the service.
    environment,
  });
  const log = args.logFile
    ? [`StandardOutput=append:${args.logFile}`, `StandardError=append:${args.logFile}`]
    : [];
  return unit.replace('[Install]', `${log.join('\n')}${log.length ? '\n\n' : ''}[Install]`);
}

const managedServiceModule: Module<ProcessArgs> = {
  name: 'service',
  checkMode: 'full',
  async run(args, ctx: ModuleContext) {
    if ((await serviceManager(ctx.host, ctx.transport)) === 'supervisor') return processModule.run(args, ctx);
    return systemdModule.run(
      {
        name: args.name,
        unit: args.state === 'stopped' ? undefined : serviceUnitText(args),
        state: args.state,
        enabled: args.state === 'stopped' ? undefined : true,
        become: args.become,
      },
      ctx,
    );
  },
};

/** A long-running service kept up by systemd or the supervisor, whichever the host has. */
export function managedService(args: ProcessArgs): ModuleCall<ProcessArgs> {
  return call(managedServiceModule, args);
}

/** The service's main pid, or null when it is not running, under either manager. */
export async function servicePid(
  host: Host,
  transport: Transport,
  name: string,
  pidFile: string,
): Promise<number | null> {
  if ((await serviceManager(host, transport)) === 'systemd') {
    const res = await transport.exec(`systemctl show -p MainPID --value ${quote(`${name}.service`)}`);
    const pid = Number.parseInt(res.stdout.trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  }
  const state = await processStatus(transport, pidFile);
  return state.running ? (state.childPid ?? null) : null;
}
