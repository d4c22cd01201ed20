/**
 * The controller service: REST API v1 on config.host:config.port over the CouchDB stores, with the
 * LoadBalancer dispatching activations to the invokers that ping it.
 */
import { startAlarms } from '../alarms/routes.ts';
import { createLogger, type Logger } from '../common/log.ts';
import { loadRuntimeManifest } from '../runtimes/manifest.ts';
import { ActivationStore } from '../store/activation-store.ts';
import { openStore, redactUrl } from '../store/db.ts';
import { EntityStore } from '../store/entity-store.ts';
import { IdentityStore } from '../store/identity-store.ts';
import { authenticate } from './auth.ts';
import { type ControllerConfig, resolveControllerConfig } from './config.ts';
import type { ControllerContext } from './context.ts';
import { createHttpServer } from './http.ts';
import { ActionInvoker } from './invoke.ts';
import { LoadBalancer } from './loadbalancer.ts';
import { EntityResolver } from './resolver.ts';
import { actionRoutes } from './routes/actions.ts';
import { activationRoutes } from './routes/activations.ts';
import { apiRoutes } from './routes/apis.ts';
import { namespaceRoutes } from './routes/namespaces.ts';
import { packageRoutes } from './routes/packages.ts';
import { ruleRoutes } from './routes/rules.ts';
import { systemRoutes } from './routes/system.ts';
import { triggerRoutes } from './routes/triggers.ts';
import { webRoutes } from './routes/web.ts';
import { Throttles } from './throttle.ts';

export interface Controller {
  url: string;
  /** Stops accepting requests, then flushes pending activation records. */
  close(): Promise<void>;
  context: ControllerContext;
}

export async function startController(
  input: ControllerConfig,
  opts: { log?: Logger } = {},
): Promise<Controller> {
  const config = resolveControllerConfig(input);
  const log = opts.log ?? createLogger('controller').child({ controller: config.id });
  const manifest = loadRuntimeManifest(config.runtimesManifest);
  const store = openStore(config.db);
  const report = (err: Error) => log.warn(err.message);
  const entities = new EntityStore(store, report);
  const identities = new IdentityStore(store, report);
  const activations = new ActivationStore(store, { onError: (err) => log.error(err.message) });
  try {
    await Promise.all([entities.start(), identities.start()]);
    await store.server.db.get(store.names.whisks);
  } catch (err) {
    entities.close();
    identities.close();
    throw new Error(
      `controller ${config.id} cannot use database ${store.names.whisks} at ${redactUrl(config.db.url)}: ` +
        `${(err as Error).message}. Is CouchDB up and initialised (initdb/wipe playbooks)?`,
    );
  }
  const loadBalancer = new LoadBalancer({
    clusterSize: config.clusterSize,
    activations,
    log,
    healthTimeoutMs: config.invokerHealthTimeoutMs,
    staticInvokers: config.invokers,
  });
  const resolver = new EntityResolver(entities);
  const context: ControllerContext = {
    config,
    log,
    entities,
    identities,
    activations,
    resolver,
    loadBalancer,
    manifest,
    draining: false,
    throttles: new Throttles(config.limits, config.clusterSize),
    invoker: new ActionInvoker({ loadBalancer, activations, resolver, log }),
    auth: authenticate(identities),
  };

  const app = createHttpServer({ bodyLimit: config.execMaxBytes + 1_048_576, log });
  systemRoutes(app, context);
  namespaceRoutes(app, context);
  actionRoutes(app, context);
  activationRoutes(app, context);
  packageRoutes(app, context);
  triggerRoutes(app, context);
  ruleRoutes(app, context);
  webRoutes(app, context);
  apiRoutes(app, context);
  const alarms = await startAlarms(app, context);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    alarms.close();
    loadBalancer.close();
    entities.close();
    identities.close();
    throw new Error(
      `controller ${config.id} cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`,
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  log.info({ url, db: redactUrl(config.db.url), prefix: config.db.prefix }, 'controller started');

  let closing: Promise<void> | undefined;
  return {
    url,
    context,
    close: () => {
      closing ??= (async () => {
        context.draining = true;
        if (config.drainMs > 0) await new Promise((r) => setTimeout(r, config.drainMs));
        alarms.close();
        await app.close();
        loadBalancer.close();
        entities.close();
        identities.close();
        await activations.close();
        log.info('controller stopped');
      })();
      return closing;
    },
  };
}
