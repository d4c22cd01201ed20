/**
 * The invoker service: receives ActivationMessages from controllers over HTTP, runs them in its
 * ContainerPool, stores each record through the ActivationSink and answers `{activation}`; pings
 * every controller once a second.
 *   POST /activations  ActivationMessage -> {activation} (waits in the pool queue when memory is full)
 *   GET  /ping         pong
 *   GET  /pool         pool statistics (tests, `owctl status`)
 */
import { mkdirSync } from 'node:fs';
import Fastify from 'fastify';
import { DEFAULT_SOCKET, dockerClient } from '../../engine/docker/client.ts';
import { createLogger, type Logger } from '../common/log.ts';
import type { ActivationStatus, InvokerPing } from '../common/types.ts';
import { loadRuntimeManifest } from '../runtimes/manifest.ts';
import { ActivationStore } from '../store/activation-store.ts';
import { openStore, redactUrl } from '../store/db.ts';
import type { InvokerConfig } from './config.ts';
import { executeActivation } from './executor.ts';
import { createDockerFactory } from './factories/docker.ts';
import { createProcessFactory } from './factories/process.ts';
import type { ContainerFactory } from './factory.ts';
import { parseActivationMessage } from './message.ts';
import { startPinging } from './ping.ts';
import { ContainerPool } from './pool.ts';
import { type ActivationSink, MemoryActivationSink } from './sink.ts';

export interface InvokerOptions {
  /** Where records go; defaults to the CouchDB ActivationStore of config.db, else an in-memory sink. */
  sink?: ActivationSink;
  logger?: Logger;
  /** Overrides config.containerFactory (tests, a docker factory built elsewhere). */
  factory?: ContainerFactory;
}

export interface Invoker {
  url: string;
  close(): Promise<void>;
}

/** OpenWhisk marks an invoker unhealthy after more than 3 system errors among its last 10 activations. */
const HEALTH_WINDOW = 10;
const HEALTH_MAX_SYSTEM_ERRORS = 3;
/** Action code may be up to 48 MB; the message also carries parameters. */
const BODY_LIMIT = 64 * 1024 * 1024;

async function containerFactory(config: InvokerConfig, logger: Logger): Promise<ContainerFactory> {
  if (config.containerFactory === 'docker') {
    const { host, imagePrefix, imageTag, registry, network, pidsLimit, user, instance } = config.docker;
    const engine = host || process.env.DOCKER_HOST || `unix://${DEFAULT_SOCKET}`;
    try {
      return await createDockerFactory({
        docker: dockerClient({ host }),
        engine,
        invokerId: instance ?? config.id,
        imagePrefix,
        imageTag,
        registry,
        network,
        pidsLimit,
        user,
        logger,
      });
    } catch (err) {
      throw new Error(
        `Invoker ${config.id}: cannot use the docker engine at ${engine} (${(err as Error).message}); start dockerd or fix docker.host.`,
      );
    }
  }
  return createProcessFactory({ stateDir: config.stateDir, sandbox: config.sandbox, logger });
}

/** Batched writes of records to `{prefix}activations`; a failed batch is logged, never fatal to activations. */
function activationStore(config: InvokerConfig, logger: Logger): ActivationStore | undefined {
  if (!config.db) return undefined;
  const where = `${redactUrl(config.db.url)} (${config.db.prefix}activations)`;
  return new ActivationStore(openStore(config.db), {
    onError: (err) => logger.error({ db: where, err: err.message }, 'cannot store activation records'),
  });
}

export async function startInvoker(config: InvokerConfig, options: InvokerOptions = {}): Promise<Invoker> {
  const logger = options.logger ?? createLogger('invoker').child({ invoker: config.id });
  const store = options.sink ? undefined : activationStore(config, logger);
  const sink = options.sink ?? store ?? new MemoryActivationSink();
  const manifest = loadRuntimeManifest(config.runtimesManifest);
  mkdirSync(config.stateDir, { recursive: true });
  const factory = options.factory ?? (await containerFactory(config, logger));
  const pool = new ContainerPool({
    factory,
    manifest,
    invokerId: config.id,
    userMemoryMB: config.userMemoryMB,
    idleTimeoutMs: config.idleTimeoutMs,
    prewarm: config.prewarm,
    env: { __OW_API_HOST: config.apihost },
    logger,
  });
  const recent: ActivationStatus[] = [];
  let accepting = true;
  /** Activations accepted and not yet answered; close() lets them finish before draining the pool. */
  let admitted = 0;
  let onSettled: (() => void) | undefined;

  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: false, keepAliveTimeout: 600_000 });
  // Plain JSON.parse: only controllers post here, and the message's shape is checked field by
  // field (message.ts); Fastify's default parser also scans every body for prototype keys.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (err) {
      done(
        Object.assign(new Error(`The activation message is not valid JSON: ${(err as Error).message}`), {
          statusCode: 400,
        }),
      );
    }
  });
  app.post('/activations', async (req, reply) => {
    if (!accepting) {
      return reply
        .code(503)
        .send({ error: `Invoker ${config.id} is shutting down; send the activation to another invoker.` });
    }
    const parsed = parseActivationMessage(req.body);
    if (!parsed.ok) return reply.code(400).send({ error: parsed.error });
    admitted++;
    let activation: Awaited<ReturnType<typeof executeActivation>>;
    try {
      activation = await executeActivation({ pool, manifest, logger }, parsed.message);
    } finally {
      admitted--;
      onSettled?.();
    }
    recent.push(activation.response.status);
    if (recent.length > HEALTH_WINDOW) recent.shift();
    sink.store(activation);
    return { activation };
  });
  app.get('/ping', async () => 'pong');
  app.get('/pool', async () => pool.stats());

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  const advertiseUrl = config.advertiseUrl ?? url;
  pool.start();

  const ping = (): InvokerPing => {
    const stats = pool.stats();
    const systemErrors = recent.filter((s) => s === 'whisk internal error').length;
    return {
      id: config.id,
      url: advertiseUrl,
      userMemoryMB: stats.userMemoryMB,
      freeMemoryMB: stats.freeMemoryMB,
      busy: stats.busy + stats.queued,
      status: systemErrors > HEALTH_MAX_SYSTEM_ERRORS ? 'unhealthy' : 'up',
    };
  };
  const stopPinging = startPinging({ controllers: config.controllers, ping, logger });
  logger.info({ url, advertiseUrl, factory: config.containerFactory }, 'invoker started');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      accepting = false;
      stopPinging();
      // What was accepted runs to the end (new work gets 503 and goes to another invoker).
      while (admitted > 0) await new Promise<void>((resolve) => (onSettled = resolve));
      onSettled = undefined;
      // Running activations finish (bounded by their time limits); queued ones fail.
      await pool.drain();
      await app.close();
      await sink.flush();
      await store?.close();
      await pool.close();
      await factory.close();
      logger.info('invoker stopped');
    })();
    return closing;
  };
  return { url, close };
}
