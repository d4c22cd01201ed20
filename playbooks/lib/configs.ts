/**
 * Each service's JSON config, computed from the environment: the one place where environment
 * variables (OpenWhisk's knobs) turn into what the services read.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Inventory } from '../../engine/inventory/types.ts';
import { reveal } from '../../engine/secret.ts';
import { hostPaths } from './paths.ts';
import { apiHost, dbUrlWithCredentials, type ServiceSpec, topology } from './topology.ts';

export function serviceConfig(inventory: Inventory, svc: ServiceSpec): Record<string, unknown> {
  const vars = svc.host.vars;
  const paths = hostPaths(inventory, svc.host);
  const topo = topology(inventory);
  const db = { url: dbUrlWithCredentials(inventory), prefix: vars.db.prefix };
  switch (svc.role) {
    case 'couchdb':
      return {
        host: svc.address,
        port: svc.port,
        dataDir: join(paths.data, 'couchdb'),
        stateDir: join(paths.state, 'couchdb'),
        adminUser: vars.db.username,
        adminPassword: String(reveal(vars.db.password)),
      };
    case 'controller':
      return {
        id: svc.name,
        host: svc.address,
        port: svc.port,
        db,
        limits: vars.limits,
        actionLimits: {
          memory: vars.actionLimits.memory,
          timeout: vars.actionLimits.timeout,
          logs: vars.actionLimits.logs,
          concurrency: vars.actionLimits.concurrency,
        },
        payloadMaxBytes: vars.actionLimits.payloadMaxBytes,
        execMaxBytes: vars.actionLimits.execMaxBytes,
        clusterSize: topo.controllers.length,
        // Rolling restarts: the gateways see it stopping (1 s health checks) before it closes.
        drainMs: 1500,
        // Known before their first ping, so a restarted controller routes at once.
        invokers: topo.invokers.map((i) => i.url),
        apihost: apiHost(inventory),
        ...(vars.runtimes_manifest ? { runtimesManifest: vars.runtimes_manifest } : {}),
      };
    case 'invoker':
      return {
        id: svc.name,
        host: svc.address,
        port: svc.port,
        advertiseUrl: svc.url,
        controllers: topo.controllers.map((c) => c.url),
        db,
        userMemoryMB: vars.invoker.userMemoryMB,
        containerFactory: vars.invoker.containerFactory,
        stateDir: join(paths.state, svc.name),
        apihost: apiHost(inventory),
        idleTimeoutMs: vars.invoker.idleTimeoutMs,
        prewarm: vars.invoker.prewarm,
        ...(vars.runtimes_manifest ? { runtimesManifest: vars.runtimes_manifest } : {}),
      };
    case 'gateway':
      return {
        host: svc.address,
        port: svc.port,
        controllers: topo.controllers.map((c) => c.url),
        maxBodyBytes: vars.gateway.maxBodyBytes,
        // `wsk api` routes live in the store; the gateway polls the controllers for them.
        apiRoutesPollMs: 2000,
        // Rolling restarts: a request arriving while every controller restarts waits for one.
        unavailableWaitMs: 15_000,
        ...(vars.gateway.tls.enabled && vars.gateway.tls.cert && vars.gateway.tls.key
          ? { tls: { cert: vars.gateway.tls.cert, key: vars.gateway.tls.key } }
          : {}),
      };
  }
}

/** The config file's text; secrets are revealed here because the service must read them (0600). */
export function serviceConfigText(inventory: Inventory, svc: ServiceSpec): string {
  return `${JSON.stringify(serviceConfig(inventory, svc), null, 2)}\n`;
}

/** Changes when the config or the release changes: the process module restarts on a new hash. */
export function configHash(text: string, release: string): string {
  return createHash('sha256').update(release).update('\0').update(text).digest('hex').slice(0, 16);
}
