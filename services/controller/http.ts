/**
 * The controller's HTTP conventions: transaction ids (X-Request-ID honoured and echoed), CORS on
 * every response, JSON bodies of any content type, and `{"error", "code"}` bodies for every failure
 * including unknown routes.
 */
import { randomBytes } from 'node:crypto';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { Messages, WhiskError } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import type { Identity } from '../common/types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    tid: string;
    identity: Identity;
  }
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers':
    'Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent, X-Request-ID',
  'Access-Control-Allow-Methods': 'GET, DELETE, POST, PUT, HEAD, PATCH, OPTIONS',
};

export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json').send({ error: message, code: reply.request.tid });
}

export function createHttpServer(opts: { bodyLimit: number; log: Logger }): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimit,
    keepAliveTimeout: 65_000,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
  });

  app.decorateRequest('tid', '');
  app.decorateRequest('identity', undefined as unknown as Identity);
  // A callback hook, not an async one: no promise per request on the invoke path.
  app.addHook('onRequest', (req, reply, done) => {
    const given = req.headers['x-request-id'];
    req.tid =
      typeof given === 'string' && given.length > 0 && given.length <= 200 ? given : newTransactionId();
    reply.header('X-Request-ID', req.tid);
    reply.headers(CORS);
    done();
  });

  // Clients send JSON with or without a content type; an empty body is no body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch (err) {
      done(new WhiskError(400, `The request content was malformed:\n${(err as Error).message}`), undefined);
    }
  });

  app.options('*', async (_req, reply) => reply.code(200).send());

  app.setNotFoundHandler((_req, reply) => sendError(reply, 404, Messages.resourceDoesNotExist));

  app.setErrorHandler((err: FastifyError | WhiskError, req: FastifyRequest, reply) => {
    if (err instanceof WhiskError) return sendError(reply, err.status, err.message);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = req.routeOptions.bodyLimit ?? opts.bodyLimit;
      const size = Number(req.headers['content-length'] ?? limit + 1);
      return sendError(reply, 413, Messages.requestTooLarge(size, limit));
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, err.statusCode, err.message);
    }
    opts.log.error({ tid: req.tid, err: err.message, stack: err.stack, url: req.url }, 'request failed');
    return sendError(reply, 500, `The controller failed to handle ${req.method} ${req.url}: ${err.message}`);
  });
  return app;
}

export const newTransactionId = () => randomBytes(16).toString('hex');
