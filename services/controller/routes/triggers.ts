/**
 * /api/v1/namespaces/{ns}/triggers[/{name}]: list, get (with its rules map), create/update,
 * delete, and POST to fire (202 {activationId} with active rules, 204 without).
 */
import type { FastifyInstance } from 'fastify';
import { badRequest, Messages, WhiskError } from '../../common/errors.ts';
import { entityDocId } from '../../store/entity-store.ts';
import { type ControllerContext, entityWrite, publicEntity } from '../context.ts';
import { conformanceMessage, objectBody, ownEntity, ownedName, type Route } from '../entities.ts';
import { fireTrigger, type TriggerDoc } from '../trigger-fire.ts';
import { bool, keyValues, listParams, NAME, type Query } from '../validate.ts';

export function triggerRoutes(app: FastifyInstance, ctx: ControllerContext): void {
  const base = '/api/v1/namespaces/:ns/triggers';
  const auth = { preHandler: ctx.auth };

  app.get<{ Params: { ns: string }; Querystring: Query }>(base, auth, async (req) => {
    const ns = ctx.resolver.namespace(req.params.ns, req.identity);
    ctx.resolver.requireOwn(ns, req.identity, ns);
    const list = listParams(req.query, 'triggers');
    if (list.count) return { triggers: await ctx.entities.count('triggers', ns) };
    return await ctx.entities.list('triggers', ns, list);
  });

  app.get<Route>(`${base}/:name`, auth, async (req) => {
    const { ns, name } = ownedName(ctx, req);
    return publicEntity(await ownEntity<TriggerDoc>(ctx, 'trigger', ns, name));
  });

  app.put<Route>(`${base}/:name`, auth, async (req) => {
    const { ns, name } = ownedName(ctx, req);
    const given = objectBody(req.body, 'trigger');
    const docId = entityDocId(ns, name);
    const existing = await ctx.entities.find<TriggerDoc>(docId);
    if (existing && existing.entityType !== 'trigger') throw new WhiskError(409, conformanceMessage);
    if (existing && !bool(req.query, 'overwrite')) throw new WhiskError(409, Messages.resourceExists);
    const annotations = keyValues(given.annotations, 'annotations') ?? existing?.annotations ?? [];
    const feed = annotations.find((a) => a.key === 'feed');
    if (feed && (typeof feed.value !== 'string' || !validFeedName(feed.value))) {
      throw badRequest('Feed name is not valid');
    }
    const doc: TriggerDoc & { _id: string; _rev?: string } = {
      ...entityWrite('trigger', docId, ns, name, existing, given),
      annotations,
      parameters: keyValues(given.parameters, 'parameters') ?? existing?.parameters ?? [],
      limits: {},
      ...(existing?.rules ? { rules: existing.rules } : {}),
    };
    return publicEntity(await ctx.entities.put(doc));
  });

  app.delete<Route>(`${base}/:name`, auth, async (req) => {
    const { ns, name } = ownedName(ctx, req);
    const trigger = await ownEntity<TriggerDoc>(ctx, 'trigger', ns, name);
    await ctx.entities.delete(trigger._id, trigger._rev);
    return publicEntity(trigger);
  });

  app.post<Route>(`${base}/:name`, { ...auth, bodyLimit: ctx.config.payloadMaxBytes }, async (req, reply) => {
    const { ns, name } = ownedName(ctx, req);
    const payload = objectBody(req.body, 'trigger event (the fire payload)');
    const activationId = await fireTrigger(ctx, req.identity, ns, name, payload, req.tid);
    if (!activationId) return reply.code(204).send();
    reply.header('x-openwhisk-activation-id', activationId);
    return reply.code(202).send({ activationId });
  });
}

/** `name`, `ns/name`, `/ns/name` or `/ns/pkg/name`, as upstream's EntityPath.validate. */
function validFeedName(feed: string): boolean {
  const parts = feed.replace(/^\//, '').split('/');
  return parts.length <= 3 && parts.every((p) => NAME.test(p));
}
