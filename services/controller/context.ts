/** What route modules get: stores, resolver, invoker, throttles and the auth pre-handler. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../common/log.ts';
import type { EntityBase } from '../common/types.ts';
import type { RuntimeManifest } from '../runtimes/manifest.ts';
import type { ActivationStore } from '../store/activation-store.ts';
import type { EntityStore } from '../store/entity-store.ts';
import type { IdentityStore } from '../store/identity-store.ts';
import type { ResolvedControllerConfig } from './config.ts';
import type { ActionInvoker } from './invoke.ts';
import type { LoadBalancer } from './loadbalancer.ts';
import type { EntityResolver } from './resolver.ts';
import type { Throttles } from './throttle.ts';

export interface ControllerContext {
  config: ResolvedControllerConfig;
  log: Logger;
  entities: EntityStore;
  identities: IdentityStore;
  activations: ActivationStore;
  resolver: EntityResolver;
  invoker: ActionInvoker;
  loadBalancer: LoadBalancer;
  throttles: Throttles;
  manifest: RuntimeManifest;
  /** Set when the controller is stopping: /ping answers 503 so the gateways route elsewhere. */
  draining: boolean;
  /** preHandler that authenticates the caller into `req.identity`. */
  auth: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** Path parameters of entity routes under /api/v1/namespaces/{ns}/… */
export interface EntityParams {
  ns: string;
  pkg?: string;
  name: string;
}

/** Entity as the API shows it: no CouchDB bookkeeping. */
export function publicEntity<T extends object>(doc: T): Omit<T, '_id' | '_rev' | 'entityType'> {
  const { _id, _rev, entityType, ...rest } = doc as T & {
    _id?: unknown;
    _rev?: unknown;
    entityType?: unknown;
  };
  return rest as Omit<T, '_id' | '_rev' | 'entityType'>;
}

/**
 * The fields every entity write shares: id and revision, version (0.0.1, then patch + 1 on each
 * update), publish (kept unless given) and the update time.
 */
export function entityWrite<K extends EntityBase['entityType']>(
  entityType: K,
  id: string,
  namespace: string,
  name: string,
  existing: { _rev?: string; version: string; publish: boolean } | undefined,
  given: { publish?: unknown },
) {
  return {
    _id: id,
    ...(existing ? { _rev: existing._rev } : {}),
    entityType,
    namespace,
    name,
    version: existing ? bumpPatch(existing.version) : '0.0.1',
    publish: typeof given.publish === 'boolean' ? given.publish : (existing?.publish ?? false),
    updated: Date.now(),
  };
}

/** The version an update gets: patch + 1, as upstream's upPatch. */
function bumpPatch(version: string): string {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
  return `${major}.${minor}.${patch + 1}`;
}
