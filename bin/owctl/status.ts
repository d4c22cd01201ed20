/**
 * `owctl status ENV [--json]`: where the API is, the credentials, and for each service its host,
 * supervisor pid, URL and whether it answers. The JSON shape is a contract other tools rely on:
 * {apihost, auth: {guest, "whisk.system"}, services: [{name, host, pid, url, healthy}]}.
 */
import type { Command } from 'commander';
import { request } from 'undici';
import { loadEnvironment } from '../../engine/inventory/index.ts';
import { TransportPool } from '../../engine/transports/pool.ts';
import { servicePid } from '../../playbooks/lib/manager.ts';
import { readAuthKeys } from '../../playbooks/lib/secrets.ts';
import { serviceFiles, serviceUnitName } from '../../playbooks/lib/service.ts';
import { apiHost, type ServiceSpec, topology } from '../../playbooks/lib/topology.ts';

export interface ServiceStatus {
  name: string;
  host: string;
  pid: number | null;
  url: string;
  healthy: boolean;
}

async function healthy(svc: ServiceSpec): Promise<boolean> {
  const url = svc.role === 'couchdb' ? `${svc.url}/` : `${svc.url}/ping`;
  try {
    const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description("show an environment's API host, credentials and services")
    .argument('<env>', 'environment: a name under environments/ or a path to one')
    .option(
      '-e, --extra-vars <vars>',
      'set variables: k=v, @file.yml or JSON (repeatable)',
      (v: string, a: string[]) => [...a, v],
      [],
    )
    .option('--json', 'print JSON')
    .action(async (env: string, options: { json?: boolean; extraVars: string[] }) => {
      const inventory = await loadEnvironment(env, { extraVars: options.extraVars });
      const pool = new TransportPool();
      try {
        const services: ServiceStatus[] = await Promise.all(
          topology(inventory).all.map(async (svc) => {
            const transport = pool.get(svc.host);
            const files = serviceFiles({ inventory }, svc);
            const pid = await servicePid(
              svc.host,
              transport,
              serviceUnitName({ inventory }, svc),
              files.pid,
            ).catch(() => null);
            return {
              name: svc.name,
              host: svc.host.name,
              pid,
              url: svc.url,
              healthy: await healthy(svc),
            };
          }),
        );
        const keys = await readAuthKeys(inventory).catch(() => undefined);
        const status = {
          apihost: apiHost(inventory),
          auth: keys
            ? { guest: keys.guest.pair.reveal(), 'whisk.system': keys['whisk.system'].pair.reveal() }
            : null,
          services,
        };
        if (options.json) {
          process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        } else {
          process.stdout.write(`API host: ${status.apihost}\n`);
          for (const s of services) {
            process.stdout.write(
              `${s.name.padEnd(12)} ${s.host.padEnd(14)} ${(s.pid ? String(s.pid) : '-').padEnd(8)} ${s.url.padEnd(28)} ${s.healthy ? 'healthy' : 'DOWN'}\n`,
            );
          }
        }
        process.exitCode = services.every((s) => s.healthy) ? 0 : 2;
      } finally {
        await pool.closeAll();
      }
    });
}
