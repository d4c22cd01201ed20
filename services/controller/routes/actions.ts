/** /api/v1/namespaces/{ns}/actions[/{pkg}]/{name}: list, get, create/update, delete, invoke. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, Messages, notFound, WhiskError } from '../../common/errors.ts';
import type { ActionDoc, ActivationStatus, KeyValue } from '../../common/types.ts';
import { entityDocId } from '../../store/entity-store.ts';
import { type ControllerContext, type EntityParams, entityWrite, publicEntity } from '../context.ts';
import { completedWithin, startAdmitted } from '../invoke.ts';
import type { PackageDoc } from '../resolver.ts';
import { validateSequence } from '../sequence.ts';
import {
  actionExec,
  actionLimits,
  bool,
  keyValues,
  listParams,
  type Query,
  validName,
  waitTimeout,
} from '../validate.ts';
import { listPackageActions } from './packages.ts';

const HTTP_STATUS: Record<ActivationStatus, number> = {
  success: 200,
  'application error': 502,
  'action developer error': 502,
  'whisk internal error': 500,
};

type Route = { Params: EntityParams; Querystring: Query };
type Req = FastifyRequest<Route>;

export function actionRoutes(app: FastifyInstance, ctx: ControllerContext): void {
  const base = '/api/v1/namespaces/:ns/actions';
  const entity = [`${base}/:name`, `${base}/:pkg/:name`];
  const auth = { preHandler: ctx.auth };

  app.get<{ Params: { ns: string }; Querystring: Query }>(base, auth, async (req) => {
    const ns = ctx.resolver.namespace(req.params.ns, req.identity);
    ctx.resolver.requireOwn(ns, req.identity, ns);
    const list = listParams(req.query, 'actions');
    if (list.count) return { actions: await ctx.entities.count('actions', ns) };
    return await ctx.entities.list('actions', ns, list);
  });

  for (const path of entity) {
    app.get<Route>(path, auth, async (req) => {
      const { ns, pkg, name } = names(ctx, req);
      // `actions/{pkg}/` (trailing slash) lists the package's actions, as upstream.
      if (!pkg && req.url.split('?')[0]!.endsWith('/')) {
        return await listPackageActions(ctx, req.identity, ns, name, req.query);
      }
      const { action } = await ctx.resolver.action(req.identity, ns, pkg, name);
      const shown = publicEntity(action);
      if (!bool(req.query, 'code', true)) {
        const { code, ...exec } = shown.exec;
        return { ...shown, exec };
      }
      return shown;
    });

    app.put<Route>(path, { ...auth, bodyLimit: ctx.config.execMaxBytes + 1_048_576 }, async (req) =>
      publicEntity(await putAction(ctx, req)),
    );

    app.delete<Route>(path, auth, async (req) => {
      const { ns, pkg, name, path } = names(ctx, req);
      ctx.resolver.requireOwn(ns, req.identity, path);
      const docId = entityDocId(pkg ? `${ns}/${pkg}` : ns, name);
      const action = await ctx.entities.get<ActionDoc>(docId);
      if (action.entityType !== 'action') throw notFound();
      await ctx.entities.delete(docId, action._rev);
      return publicEntity(action);
    });

    app.post<Route>(path, { ...auth, bodyLimit: ctx.config.payloadMaxBytes }, (req, reply) =>
      invoke(ctx, req, reply),
    );
  }
}

function names(ctx: ControllerContext, req: Req) {
  const ns = ctx.resolver.namespace(req.params.ns, req.identity);
  const { pkg, name } = req.params;
  validName(name);
  if (pkg !== undefined) validName(pkg);
  return { ns, pkg, name, path: pkg ? `${ns}/${pkg}/${name}` : `${ns}/${name}` };
}

async function putAction(ctx: ControllerContext, req: Req) {
  const { ns, pkg, name, path } = names(ctx, req);
  ctx.resolver.requireOwn(ns, req.identity, path);
  const docNamespace = pkg ? `${ns}/${pkg}` : ns;
  if (pkg) {
    const owner = await ctx.entities.find<PackageDoc>(entityDocId(ns, pkg));
    if (owner?.entityType !== 'package') throw notFound();
    if (owner.binding?.namespace) throw badRequest('Operation not permitted on package binding.');
  }
  const body = req.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The request content was malformed: expected a JSON object describing the action.');
  }
  const given = body as Record<string, unknown>;
  const docId = entityDocId(docNamespace, name);
  const existing = await ctx.entities.find<ActionDoc>(docId);
  if (existing && !bool(req.query, 'overwrite')) throw new WhiskError(409, Messages.resourceExists);
  if (existing && existing.entityType !== 'action') throw new WhiskError(409, Messages.resourceExists);

  let exec =
    given.exec === undefined ? existing?.exec : actionExec(given.exec, ctx.manifest, ctx.config.execMaxBytes);
  if (!exec) throw badRequest('exec undefined');
  if (given.exec !== undefined && exec.kind === 'sequence') {
    const components = await validateSequence(
      ctx.resolver,
      req.identity,
      exec.components ?? [],
      ctx.config.limits.sequenceMaxLength,
      path,
    );
    exec = { ...exec, components };
  }
  const annotations: KeyValue[] = [
    ...(keyValues(given.annotations, 'annotations') ?? existing?.annotations ?? []).filter(
      (a) => a.key !== 'exec',
    ),
    { key: 'exec', value: exec.kind },
  ];
  const doc: ActionDoc & { _id: string; _rev?: string } = {
    ...entityWrite('action', docId, docNamespace, name, existing, given),
    annotations,
    parameters: keyValues(given.parameters, 'parameters') ?? existing?.parameters ?? [],
    exec,
    limits: actionLimits(given.limits, ctx.config.actionLimits, existing?.limits),
  };
  return await ctx.entities.put(doc);
}

async function invoke(ctx: ControllerContext, req: Req, reply: FastifyReply<Route>) {
  const { ns, pkg, name } = names(ctx, req);
  const blocking = bool(req.query, 'blocking');
  const resultOnly = bool(req.query, 'result');
  const timeout = waitTimeout(req.query);
  const payload = req.body ?? {};
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    throw badRequest('The request content was malformed: the invoke payload must be a JSON object.');
  }
  const resolved = await ctx.resolver.action(req.identity, ns, pkg, name);
  const started = startAdmitted(ctx.throttles, ctx.invoker, {
    identity: req.identity,
    resolved,
    payload: payload as Record<string, unknown>,
    blocking,
    transactionId: req.tid,
  });
  reply.header('x-openwhisk-activation-id', started.activationId);
  const accepted = () => reply.code(202).send({ activationId: started.activationId });
  if (!blocking) return accepted();
  const activation = await completedWithin(started.completion, timeout);
  if (!activation) return accepted();
  reply.code(HTTP_STATUS[activation.response.status] ?? 500);
  return reply.send(resultOnly ? (activation.response.result ?? {}) : activation);
}
