/**
 * The request path through the gateway: pick a healthy controller, forward the request with a
 * keep-alive undici Pool, stream the response back. Bodies are read first (bounded by
 * maxBodyBytes) so a request can be replayed on another controller when a connection fails.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Logger } from '../common/log.ts';
import type { Controller, ControllerSet } from './controllers.ts';
import { MESSAGES, sendError } from './errors.ts';

export interface ProxyOptions {
  controllers: ControllerSet;
  maxBodyBytes: number;
  /** How long to hold a request while no controller is healthy (0: answer 503 at once). */
  unavailableWaitMs: number;
  log: Logger;
  accessLog: boolean;
  /** Maps a request path to the controller path, or undefined when the gateway does not serve it. */
  route: (path: string, method: string) => string | undefined;
  secure: boolean;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'content-length',
]);

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Errors raised before a byte reached the controller: replaying is safe for any method. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
/** How often a request held for a healthy controller looks for one. */
const UNAVAILABLE_POLL_MS = 100;

/** The caller's X-Request-ID when it is sane, else a fresh 32-hex id like nginx's $request_id. */
function requestId(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  if (typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given)) return given;
  return randomBytes(16).toString('hex');
}

function upstreamHeaders(
  req: IncomingMessage,
  tid: string,
  secure: boolean,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  out['x-request-id'] = tid;
  const peer = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${prior}, ${peer}` : peer;
  out['x-forwarded-proto'] = secure ? 'https' : 'http';
  return out;
}

function downstreamHeaders(headers: Record<string, string | string[] | undefined>, tid: string) {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  // Keep the controller's length so small responses are not chunked.
  const length = headers['content-length'];
  if (typeof length === 'string') out['content-length'] = length;
  out['x-request-id'] = tid;
  return out;
}

type BodyResult = { ok: true; body: Buffer | undefined } | { ok: false; received: number };

/** Reads the request body, stopping as soon as it exceeds `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<BodyResult> {
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    return Promise.resolve({ ok: true, body: undefined });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        req.pause();
        resolve({ ok: false, received: size });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () =>
      resolve({ ok: true, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }),
    );
    req.once('error', reject);
  });
}

export function createProxy(opts: ProxyOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { controllers, maxBodyBytes, log } = opts;

  async function forward(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    tid: string,
    body?: Buffer,
  ) {
    const method = (req.method ?? 'GET') as Dispatcher.HttpMethod;
    const headers = upstreamHeaders(req, tid, opts.secure);
    const tried = new Set<Controller>();
    const deadline = Date.now() + opts.unavailableWaitMs;
    for (;;) {
      let controller = controllers.next(tried);
      // None left (every controller restarting, as in a rolling update with one controller): the
      // request reached none of them, so hold it until one is healthy again rather than fail it.
      // Not before any controller ever answered: then the platform is still being deployed.
      const restarting = controllers.all.some((c) => c.seen);
      while (!controller && restarting && Date.now() < deadline && !req.socket.destroyed) {
        await new Promise((r) => setTimeout(r, UNAVAILABLE_POLL_MS));
        controller = controllers.next();
        if (controller) tried.clear();
      }
      if (!controller) {
        sendError(res, 503, MESSAGES.unavailable, tid);
        return;
      }
      tried.add(controller);
      try {
        await controller.pool.stream(
          {
            path: controller.prefix + path,
            method,
            headers,
            body,
            // Blocking invokes wait up to the action's time limit (max 5 min); let the controller decide.
            headersTimeout: 0,
            bodyTimeout: 0,
          },
          ({ statusCode, headers: upstream }) => {
            res.writeHead(statusCode, downstreamHeaders(upstream, tid));
            return res;
          },
        );
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (res.headersSent) {
          // The response is half way out: all we can do is cut it so the client sees the failure.
          log.warn(
            { tid, controller: controller.url, code, err: (err as Error).message },
            'response aborted',
          );
          res.destroy();
          return;
        }
        const notSent = NOT_SENT.has(code);
        if (!notSent && !CONNECTION_LOST.has(code)) {
          log.error({ tid, controller: controller.url, code, err: (err as Error).message }, 'proxy failure');
          sendError(res, 502, MESSAGES.badGateway, tid);
          return;
        }
        controllers.markDown(controller, `${method} failed: ${code}`);
        if (!notSent && !IDEMPOTENT.has(method)) {
          sendError(res, 502, MESSAGES.badGateway, tid);
          return;
        }
        log.info({ tid, controller: controller.url, code }, 'retrying on the next controller');
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const tid = requestId(req.headers);
    const started = opts.accessLog ? performance.now() : 0;
    if (opts.accessLog) {
      res.once('finish', () =>
        log.info(
          { tid, method: req.method, path: req.url, status: res.statusCode, ms: performance.now() - started },
          'request',
        ),
      );
    }
    const path = opts.route(req.url ?? '/', req.method ?? 'GET');
    if (path === undefined) {
      sendError(res, 404, MESSAGES.notFound, tid);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      sendError(res, 413, MESSAGES.tooLarge(declared, maxBodyBytes), tid, true);
      return;
    }
    const body = await readBody(req, maxBodyBytes);
    if (!body.ok) {
      sendError(res, 413, MESSAGES.tooLarge(body.received, maxBodyBytes), tid, true);
      return;
    }
    await forward(req, res, path, tid, body.body);
  }

  return (req, res) => {
    handle(req, res).catch((err: Error) => {
      log.error({ err: err.message, path: req.url }, 'request failed');
      sendError(res, 500, 'The gateway failed to handle the request; see its log.', requestId(req.headers));
    });
  };
}
