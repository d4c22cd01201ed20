/** The edge users and the CLI talk to: HTTP(S) in front of the controllers. */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../common/log.ts';
import { type GatewayConfig, resolveGatewayConfig } from './config.ts';
import { ControllerSet } from './controllers.ts';
import { createProxy } from './proxy.ts';
import { Router } from './routes.ts';

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`Cannot read the gateway TLS ${what} ${path} (tls.${what}): ${(err as Error).message}.`);
  }
}

/** The first controller that answers GET /apis/routes. */
async function controllerRoutes(controllers: ControllerSet): Promise<string> {
  const reasons: string[] = [];
  for (const c of controllers.all) {
    try {
      const res = await fetch(`${c.url.replace(/\/$/, '')}/apis/routes`, {
        signal: AbortSignal.timeout(5000),
      });
      if (res.ok) return await res.text();
      reasons.push(`${c.url}: HTTP ${res.status}`);
    } catch (err) {
      reasons.push(`${c.url}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no controller served /apis/routes (${reasons.join('; ')})`);
}

/** How long close() lets requests in flight finish before cutting them. */
const CLOSE_GRACE_MS = 8000;

export async function startGateway(input: GatewayConfig): Promise<Gateway> {
  const config = resolveGatewayConfig(input);
  const log = createLogger('gateway', config.logLevel);
  const controllers = new ControllerSet(config.controllers, log);
  const pollMs = config.apiRoutesPollMs;
  const router = new Router(
    log,
    config.routesFile,
    pollMs ? { intervalMs: pollMs, fetch: () => controllerRoutes(controllers) } : undefined,
  );
  const handler = createProxy({
    controllers,
    maxBodyBytes: config.maxBodyBytes,
    unavailableWaitMs: config.unavailableWaitMs,
    log,
    accessLog: config.accessLog,
    route: router.resolve,
    secure: config.tls !== undefined,
  });

  const server: Server = config.tls
    ? createHttpsServer(
        { cert: readPem(config.tls.cert, 'cert'), key: readPem(config.tls.key, 'key') },
        handler,
      )
    : createHttpServer(handler);
  // Blocking invokes can last minutes; keep client connections open like nginx's keepalive.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;

  await controllers.start();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `The gateway cannot listen on ${config.host}:${config.port}: ${err.message}. Free the port or set "port" in the gateway config.`,
        ),
      ),
    );
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `${config.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ url, controllers: config.controllers }, 'gateway listening');

  return {
    url,
    async close() {
      router.close();
      // Requests in flight finish (bounded); idle keep-alive connections close at once.
      await new Promise<void>((resolve) => {
        const idle = setInterval(() => server.closeIdleConnections(), 100);
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearInterval(idle);
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      await controllers.close();
    },
  };
}
