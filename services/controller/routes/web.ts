/**
 * Web actions: /api/v1/web/{ns}/{pkg|default}/{action}[.json|.http|.html|.text|.svg][/path] on any
 * method, without API authentication. The action must be annotated `web-export: true`; it runs as
 * its namespace's owner with the request as arguments (`__ow_method`, `__ow_headers`, `__ow_path`,
 * query and body merged, or `__ow_query`/`__ow_body` for `raw-http`), and its result is projected
 * by the extension. `require-whisk-auth` demands credentials (true) or a matching
 * `X-Require-Whisk-Auth` header (any other value).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Messages, notFound, WhiskError } from '../../common/errors.ts';
import type { Activation, Identity, KeyValue } from '../../common/types.ts';
import type { ControllerContext } from '../context.ts';
import { completedWithin, startAdmitted } from '../invoke.ts';
import type { ResolvedAction } from '../resolver.ts';

const EXTENSIONS = ['json', 'http', 'html', 'text', 'svg'] as const;
type Extension = (typeof EXTENSIONS)[number];
const MEDIA: Record<Exclude<Extension, 'json' | 'http'>, string> = {
  html: 'text/html; charset=UTF-8',
  text: 'text/plain; charset=UTF-8',
  svg: 'image/svg+xml',
};
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
const WAIT_MS = 60_000;

const WebMessages = {
  parametersNotAllowed: 'Request defines parameters that are not allowed (e.g., reserved properties).',
  propertyNotFound: 'Response does not include requested property.',
  invalidMedia: (media: string) => `Response is not valid '${media}'.`,
  errorProcessingRequest: 'There was an error processing your request.',
  responseNotReady: 'Response not yet ready.',
} as const;

type WebRequest = FastifyRequest<{ Params: { ns: string; pkg: string; '*': string } }>;

/** Registered in its own plugin scope: web actions receive raw bodies of any content type. */
export function webRoutes(app: FastifyInstance, ctx: ControllerContext): void {
  void app.register(async (web) => {
    web.removeAllContentTypeParsers();
    web.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body: Buffer, done) => done(null, body));
    web.route({
      method: [...METHODS],
      url: '/api/v1/web/:ns/:pkg/*',
      bodyLimit: ctx.config.payloadMaxBytes,
      handler: (req: WebRequest, reply) => serve(ctx, req, reply),
    });
  });
}

/** `name.ext/rest/of/path` → action name, extension (default http) and the rest. */
function splitTarget(target: string): { name: string; ext: Extension; path: string } {
  const slash = target.indexOf('/');
  const head = decodeURIComponent(slash === -1 ? target : target.slice(0, slash));
  const path = slash === -1 ? '' : target.slice(slash);
  const dot = head.lastIndexOf('.');
  const ext = dot > 0 ? head.slice(dot + 1) : '';
  if ((EXTENSIONS as readonly string[]).includes(ext))
    return { name: head.slice(0, dot), ext: ext as Extension, path };
  return { name: head, ext: 'http', path };
}

function annotation(list: KeyValue[] | undefined, key: string): unknown {
  return list?.find((a) => a.key === key)?.value;
}

async function serve(ctx: ControllerContext, req: WebRequest, reply: FastifyReply): Promise<unknown> {
  const ns = req.params.ns;
  const pkg = req.params.pkg === 'default' ? undefined : req.params.pkg;
  const { name, ext, path } = splitTarget(req.params['*'] ?? '');
  if (!name) throw notFound();
  const owner = await ctx.identities.forNamespace(ns);
  if (!owner) throw notFound();
  let resolved: ResolvedAction;
  try {
    resolved = await ctx.resolver.action(owner, ns, pkg, name);
  } catch (err) {
    // Whatever hides the action (missing, private package) looks the same to an anonymous caller.
    if (err instanceof WhiskError && err.status < 500) throw notFound();
    throw err;
  }
  const annotations = resolved.action.annotations;
  if (annotation(annotations, 'web-export') !== true) throw notFound();
  if (req.method === 'OPTIONS' && annotation(annotations, 'web-custom-options') !== true) {
    const requested = req.headers['access-control-request-headers'];
    if (typeof requested === 'string') reply.header('Access-Control-Allow-Headers', requested);
    return reply.code(200).send();
  }
  const user = await authorize(ctx, req, annotation(annotations, 'require-whisk-auth'));
  const payload = webArguments(req, resolved, path, annotations, user);

  const started = startAdmitted(ctx.throttles, ctx.invoker, {
    identity: owner,
    resolved,
    payload,
    blocking: true,
    transactionId: req.tid,
  });
  reply.header('x-openwhisk-activation-id', started.activationId);
  const activation = await completedWithin(started.completion, WAIT_MS);
  if (!activation) return reply.code(202).send({ activationId: started.activationId });
  return respond(reply, activation, ext, path);
}

/** `true` → valid API credentials (their namespace becomes `__ow_user`); other values → the header. */
async function authorize(
  ctx: ControllerContext,
  req: WebRequest,
  required: unknown,
): Promise<Identity | undefined> {
  if (required === undefined || required === false) return undefined;
  const unauthorized = () => new WhiskError(401, Messages.authenticationInvalid);
  if (required === true) {
    const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const identity =
      colon > 0
        ? await ctx.identities.identify(decoded.slice(0, colon), decoded.slice(colon + 1))
        : undefined;
    if (!identity) throw unauthorized();
    return identity;
  }
  if (req.headers['x-require-whisk-auth'] !== String(required)) throw unauthorized();
  return undefined;
}

const TEXTUAL =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|image\/svg\+xml)|\+json|\+xml/i;

function isTextual(contentType: string | undefined): boolean {
  return !contentType || TEXTUAL.test(contentType);
}

/** The action's arguments: its parameters, then (unless raw) query and body, then the request context. */
function webArguments(
  req: WebRequest,
  resolved: ResolvedAction,
  path: string,
  annotations: KeyValue[],
  user: Identity | undefined,
): Record<string, unknown> {
  const raw = annotation(annotations, 'raw-http') === true;
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const contentType = req.headers['content-type'];
  const queryIndex = req.url.indexOf('?');
  const query = queryIndex === -1 ? '' : req.url.slice(queryIndex + 1);
  const context: Record<string, unknown> = {
    __ow_method: req.method.toLowerCase(),
    __ow_headers: { ...req.headers },
    __ow_path: path,
    ...(user ? { __ow_user: user.namespace } : {}),
  };
  const bodyText = () => (isTextual(contentType) ? body.toString('utf8') : body.toString('base64'));
  if (raw) {
    return {
      ...resolved.params,
      __ow_query: query,
      ...(body.length ? { __ow_body: bodyText() } : {}),
      ...context,
    };
  }
  const given: Record<string, unknown> = Object.fromEntries(new URLSearchParams(query));
  if (body.length) Object.assign(given, bodyArguments(body, contentType, bodyText));
  const final = annotation(annotations, 'final') === true;
  if (Object.keys(given).some((k) => k.startsWith('__ow_') || (final && k in resolved.params))) {
    throw new WhiskError(400, WebMessages.parametersNotAllowed);
  }
  return { ...resolved.params, ...given, ...context };
}

function bodyArguments(
  body: Buffer,
  contentType: string | undefined,
  text: () => string,
): Record<string, unknown> {
  if (/application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  if (!contentType || /json/i.test(contentType)) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {
      // Not a JSON object: handed over as __ow_body below.
    }
  }
  return { __ow_body: text() };
}

function respond(reply: FastifyReply, activation: Activation, ext: Extension, path: string) {
  const { response } = activation;
  let result: unknown = response.result ?? {};
  if (response.status === 'application error') {
    // An application error answers with its `error` value, as the action's response.
    result = (result as Record<string, unknown>).error;
    if (!result || typeof result !== 'object') {
      throw new WhiskError(400, typeof result === 'string' ? result : WebMessages.errorProcessingRequest);
    }
  } else if (!response.success) {
    throw new WhiskError(502, WebMessages.errorProcessingRequest);
  }
  if (ext === 'http') return httpResponse(reply, result as Record<string, unknown>);
  const segments = path.split('/').filter(Boolean);
  if (ext !== 'json' && segments.length === 0) segments.push(ext);
  let value: unknown = result;
  for (const s of segments) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[s] : undefined;
    if (value === undefined) throw new WhiskError(404, WebMessages.propertyNotFound);
  }
  if (ext === 'json') {
    if (!value || typeof value !== 'object')
      throw new WhiskError(400, WebMessages.invalidMedia('application/json'));
    return reply.code(200).type('application/json').send(JSON.stringify(value));
  }
  if (typeof value !== 'string')
    throw new WhiskError(400, WebMessages.invalidMedia(MEDIA[ext].split(';')[0]!));
  return reply.code(200).type(MEDIA[ext]).send(value);
}

/** `.http`: `{statusCode, headers, body}`; a string body of a binary content type is base64. */
function httpResponse(reply: FastifyReply, result: Record<string, unknown>) {
  const invalid = () => new WhiskError(400, WebMessages.invalidMedia('message/http'));
  const { statusCode, headers = {}, body } = result;
  if (statusCode !== undefined && (typeof statusCode !== 'number' || statusCode < 100 || statusCode > 599)) {
    throw invalid();
  }
  if (!headers || typeof headers !== 'object' || Array.isArray(headers)) throw invalid();
  const hs = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const type = hs['content-type'];
  reply.headers(hs);
  if (body === undefined || body === null) return reply.code(statusCode ?? 204).send();
  reply.code(statusCode ?? 200);
  if (typeof body === 'string') {
    if (!isTextual(type)) return reply.send(Buffer.from(body, 'base64'));
    return reply.type(type ?? 'text/html; charset=UTF-8').send(body);
  }
  return reply.type(type ?? 'application/json').send(JSON.stringify(body));
}
