/**
 * API routes (what `wsk api` manages; upstream keeps them in the API gateway through the
 * /whisk.system/apimgmt actions): one document per namespace and base path in the whisks database,
 * outside the entity views. The gateway reads them all from `GET /apis/routes` (platform network
 * only: the edge exposes /api/v1 alone) and serves `/api/{namespace}{basePath}{relPath}`.
 *
 *   PUT    /api/v1/namespaces/{ns}/apis  {basePath, relPath, operation, action, responseType?, apiName?}
 *   GET    /api/v1/namespaces/{ns}/apis[?basepath=/b]   (basepath may also be the API name)
 *   DELETE /api/v1/namespaces/{ns}/apis?basepath=/b[&relpath=/r[&operation=GET]]
 */
import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from '../../common/errors.ts';
import type { Identity } from '../../common/types.ts';
import { couchStatus, type Doc, openStore, type Store } from '../../store/db.ts';
import { storeError } from '../../store/entity-store.ts';
import type { ControllerContext } from '../context.ts';
import { objectBody } from '../entities.ts';
import type { Query } from '../validate.ts';

export interface ApiRoute {
  relPath: string;
  operation: string;
  /** `/ns/name` or `/ns/pkg/name`. */
  action: string;
  responseType: 'json' | 'http' | 'html' | 'text' | 'svg';
}

export interface ApiDoc {
  _id: string;
  _rev?: string;
  apiDoc: true;
  namespace: string;
  basePath: string;
  apiName: string;
  routes: ApiRoute[];
}

const PREFIX = 'api:';
const docId = (ns: string, basePath: string) => `${PREFIX}${ns}:${basePath}`;
const SEGMENTS = /^\/[\w.~-]+(\/[\w.~-]+)*$/;
const REL_PATH = /^\/[\w.~/-]*$/;
const OPERATIONS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const RESPONSE_TYPES: ApiRoute['responseType'][] = ['json', 'http', 'html', 'text', 'svg'];

export function apiRoutes(app: FastifyInstance, ctx: ControllerContext): void {
  const store = openStore(ctx.config.db);
  const base = '/api/v1/namespaces/:ns/apis';
  const auth = { preHandler: ctx.auth };
  type Req = { Params: { ns: string }; Querystring: Query };
  const ownNs = (req: { params: { ns: string }; identity: Identity }) => {
    const ns = ctx.resolver.namespace(req.params.ns, req.identity);
    ctx.resolver.requireOwn(ns, req.identity, `${ns}/apis`);
    return ns;
  };

  app.put<Req>(base, auth, async (req) => {
    const ns = ownNs(req);
    const given = objectBody(req.body, 'API route');
    const route = await validRoute(ctx, req.identity, given);
    const basePath = stringField(given, 'basePath', SEGMENTS, 'a path such as /hello');
    const named = typeof given.apiName === 'string' && given.apiName ? given.apiName : undefined;
    for (let attempt = 0; ; attempt++) {
      const existing = await find(store, docId(ns, basePath));
      const routes = (existing?.routes ?? []).filter(
        (r) => !(r.relPath === route.relPath && r.operation === route.operation),
      );
      const doc: ApiDoc = {
        _id: docId(ns, basePath),
        ...(existing?._rev ? { _rev: existing._rev } : {}),
        apiDoc: true,
        namespace: ns,
        basePath,
        apiName: named ?? existing?.apiName ?? basePath,
        routes: [...routes, route],
      };
      try {
        await store.whisks.insert(doc as unknown as Doc);
        return { ...shown(doc), route };
      } catch (err) {
        if (couchStatus(err) !== 409 || attempt >= 5)
          throw storeError(err, `writing API ${basePath} of ${ns}`);
      }
    }
  });

  app.get<Req>(base, auth, async (req) => {
    const ns = ownNs(req);
    const docs = await list(store, `${PREFIX}${ns}:`);
    const wanted = req.query.basepath;
    return wanted
      ? docs.filter((d) => d.basePath === wanted || d.apiName === wanted).map(shown)
      : docs.map(shown);
  });

  app.delete<Req>(base, auth, async (req) => {
    const ns = ownNs(req);
    const wanted = req.query.basepath;
    if (!wanted) throw badRequest('basepath is required: the base path or API name of the API to delete.');
    const doc = (await list(store, `${PREFIX}${ns}:`)).find(
      (d) => d.basePath === wanted || d.apiName === wanted,
    );
    if (!doc) throw notFound();
    const { relpath, operation } = req.query;
    const routes = doc.routes.filter(
      (r) =>
        !((!relpath || r.relPath === relpath) && (!operation || r.operation === operation.toUpperCase())),
    );
    if (routes.length === doc.routes.length) throw notFound();
    try {
      if (routes.length === 0) await store.whisks.destroy(doc._id, doc._rev!);
      else await store.whisks.insert({ ...doc, routes } as unknown as Doc);
    } catch (err) {
      throw storeError(err, `deleting API ${doc.basePath} of ${ns}`);
    }
    return { ...shown(doc), routes };
  });

  // Every route of every namespace in the gateway's routes-file format.
  app.get('/apis/routes', async () =>
    (await list(store, PREFIX)).flatMap((d) =>
      d.routes.map((r) => ({
        basePath: `/${d.namespace}${d.basePath}`,
        relPath: r.relPath,
        operation: r.operation,
        action: r.action,
        responseType: r.responseType,
      })),
    ),
  );
}

function shown(doc: ApiDoc) {
  const { _id, _rev, apiDoc, ...rest } = doc;
  return rest;
}

function stringField(given: Record<string, unknown>, key: string, pattern: RegExp, example: string): string {
  const v = given[key];
  if (typeof v !== 'string' || !pattern.test(v)) {
    throw badRequest(`${key} must be ${example} (letters, digits, '.', '_', '~', '-' between slashes).`);
  }
  return v;
}

/** The route's action must exist and be a web action, as `wsk api create` demands upstream. */
async function validRoute(
  ctx: ControllerContext,
  identity: Identity,
  given: Record<string, unknown>,
): Promise<ApiRoute> {
  const relPath = stringField(given, 'relPath', REL_PATH, 'a path such as /world');
  const operation = typeof given.operation === 'string' ? given.operation.toUpperCase() : '';
  if (!OPERATIONS.includes(operation)) throw badRequest(`operation must be one of ${OPERATIONS.join(', ')}.`);
  const responseType = (given.responseType ?? 'json') as ApiRoute['responseType'];
  if (!RESPONSE_TYPES.includes(responseType)) {
    throw badRequest(`responseType must be one of ${RESPONSE_TYPES.join(', ')}.`);
  }
  if (typeof given.action !== 'string')
    throw badRequest('action must be a fully qualified action name such as /_/hello.');
  const resolved = await ctx.resolver.actionByName(identity, given.action);
  const isWeb = resolved.action.annotations.some((a) => a.key === 'web-export' && a.value === true);
  if (!isWeb) {
    throw badRequest(
      `Action '${given.action}' is not a web action. Issue 'wsk action update "${resolved.action.name}" --web true' to convert the action to a web action.`,
    );
  }
  return { relPath, operation, action: `/${resolved.path}`, responseType };
}

async function find(store: Store, id: string): Promise<ApiDoc | undefined> {
  try {
    return (await store.whisks.get(id)) as unknown as ApiDoc;
  } catch (err) {
    if (couchStatus(err) === 404) return undefined;
    throw storeError(err, `reading ${id}`);
  }
}

async function list(store: Store, prefix: string): Promise<ApiDoc[]> {
  try {
    const res = await store.whisks.list({ startkey: prefix, endkey: `${prefix}\ufff0`, include_docs: true });
    return res.rows.map((r) => r.doc as unknown as ApiDoc).filter((d) => d?.apiDoc === true);
  } catch (err) {
    throw storeError(err, `listing API routes under ${prefix}`);
  }
}
