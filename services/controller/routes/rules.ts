/**
 * /api/v1/namespaces/{ns}/rules[/{name}]: list, get (status read from the trigger's rules map),
 * create/update (trigger and action must exist; created active), POST {status} to enable or
 * disable, delete (unlinks the rule from its trigger).
 */
import type { FastifyInstance } from 'fastify';
import { badRequest, Messages, WhiskError } from '../../common/errors.ts';
import type { Identity } from '../../common/types.ts';
import { entityDocId } from '../../store/entity-store.ts';
import { type ControllerContext, entityWrite, publicEntity } from '../context.ts';
import { conformanceMessage, objectBody, ownEntity, ownedName, type Route } from '../entities.ts';
import { parseFullyQualified } from '../resolver.ts';
import {
  type EntityRef,
  type RuleDoc,
  type RuleStatus,
  refString,
  type TriggerDoc,
  updateTriggerRules,
} from '../trigger-fire.ts';
import { bool, keyValues, listParams, type Query } from '../validate.ts';

export function ruleRoutes(app: FastifyInstance, ctx: ControllerContext): void {
  const base = '/api/v1/namespaces/:ns/rules';
  const auth = { preHandler: ctx.auth };

  app.get<{ Params: { ns: string }; Querystring: Query }>(base, auth, async (req) => {
    const ns = ctx.resolver.namespace(req.params.ns, req.identity);
    ctx.resolver.requireOwn(ns, req.identity, ns);
    const list = listParams(req.query, 'rules');
    if (list.count) return { rules: await ctx.entities.count('rules', ns) };
    return await ctx.entities.list('rules', ns, list);
  });

  app.get<Route>(`${base}/:name`, auth, async (req) => {
    const { ns, name } = ownedName(ctx, req);
    const rule = await ownEntity<RuleDoc>(ctx, 'rule', ns, name);
    return { ...publicEntity(rule), status: await statusOf(ctx, rule) };
  });

  app.put<Route>(`${base}/:name`, auth, async (req) => {
    const { ns, name } = ownedName(ctx, req);
    const given = objectBody(req.body, 'rule');
    const docId = entityDocId(ns, name);
    const existing = await ctx.entities.find<RuleDoc>(docId);
    if (existing && existing.entityType !== 'rule') throw new WhiskError(409, conformanceMessage);
    if (existing && !bool(req.query, 'overwrite')) throw new WhiskError(409, Messages.resourceExists);
    if (!existing && (given.trigger === undefined || given.action === undefined)) {
      throw badRequest('rule requires a valid trigger and a valid action');
    }
    const trigger =
      given.trigger !== undefined ? entityRef(given.trigger, 'trigger', req.identity) : existing!.trigger;
    const action =
      given.action !== undefined ? entityRef(given.action, 'action', req.identity) : existing!.action;
    await checkTriggerAndAction(ctx, req.identity, trigger, action);

    const ruleKey = `${ns}/${name}`;
    const status: RuleStatus = existing ? await statusOf(ctx, existing) : 'active';
    const doc: RuleDoc & { _id: string; _rev?: string } = {
      ...entityWrite('rule', docId, ns, name, existing, given),
      annotations: keyValues(given.annotations, 'annotations') ?? existing?.annotations ?? [],
      trigger,
      action,
    };
    const stored = await ctx.entities.put(doc);
    if (existing && refString(existing.trigger) !== refString(trigger)) {
      await updateTriggerRules(ctx, existing.trigger, (rules) => {
        delete rules[ruleKey];
      });
    }
    await updateTriggerRules(ctx, trigger, (rules) => {
      rules[ruleKey] = { action, status };
    });
    return { ...publicEntity(stored), status };
  });

  app.post<Route>(`${base}/:name`, auth, async (req) => {
    const { ns, name } = ownedName(ctx, req);
    const given = objectBody(req.body, 'rule status');
    if (given.status !== 'active' && given.status !== 'inactive') {
      throw badRequest("status must be 'active' or 'inactive'.");
    }
    const status = given.status;
    const rule = await ownEntity<RuleDoc>(ctx, 'rule', ns, name);
    const updated = await updateTriggerRules(ctx, rule.trigger, (rules) => {
      rules[`${ns}/${name}`] = { action: rule.action, status };
    });
    if (!updated) throw new WhiskError(404, 'Only rules with existing triggers can be activated');
    return {};
  });

  app.delete<Route>(`${base}/:name`, auth, async (req) => {
    const { ns, name } = ownedName(ctx, req);
    const rule = await ownEntity<RuleDoc>(ctx, 'rule', ns, name);
    await updateTriggerRules(ctx, rule.trigger, (rules) => {
      delete rules[`${ns}/${name}`];
    });
    await ctx.entities.delete(rule._id, rule._rev);
    return { ...publicEntity(rule), status: 'inactive' };
  });
}

/** The rule's status as its trigger records it; inactive when the trigger or link is gone. */
async function statusOf(ctx: ControllerContext, rule: RuleDoc): Promise<RuleStatus> {
  const trigger = await ctx.entities.find<TriggerDoc>(entityDocId(rule.trigger.path, rule.trigger.name));
  if (trigger?.entityType !== 'trigger') return 'inactive';
  return trigger.rules?.[`${rule.namespace}/${rule.name}`]?.status ?? 'inactive';
}

/** `"/ns/name"`, `"/ns/pkg/name"` or `{path, name}`, with `_` as the caller's namespace. */
function entityRef(given: unknown, what: 'trigger' | 'action', identity: Identity): EntityRef {
  let parts: { namespace: string; pkg?: string; name: string } | undefined;
  if (typeof given === 'string') {
    parts = given.startsWith('/') ? parseFullyQualified(given) : parseFullyQualified(`/_/${given}`);
  } else if (given && typeof given === 'object' && 'path' in given && 'name' in given) {
    const { path, name } = given as { path: unknown; name: unknown };
    if (typeof path === 'string' && typeof name === 'string') parts = parseFullyQualified(`/${path}/${name}`);
  }
  if (!parts || (what === 'trigger' && parts.pkg)) {
    throw badRequest(
      `The ${what} of a rule must be a fully qualified name such as "/_/${what === 'trigger' ? 't' : 'hello'}".`,
    );
  }
  const ns = parts.namespace === '_' ? identity.namespace : parts.namespace;
  return { path: parts.pkg ? `${ns}/${parts.pkg}` : ns, name: parts.name };
}

/** Upstream's messages: `trigger /ns/t does not exist`, `action /ns/a does not exist` (400). */
async function checkTriggerAndAction(
  ctx: ControllerContext,
  identity: Identity,
  trigger: EntityRef,
  action: EntityRef,
): Promise<void> {
  if (trigger.path !== identity.namespace)
    throw new WhiskError(403, Messages.notAuthorized(refString(trigger).slice(1)));
  const t = await ctx.entities.find<TriggerDoc>(entityDocId(trigger.path, trigger.name));
  if (t?.entityType !== 'trigger') throw badRequest(`trigger ${refString(trigger)} does not exist`);
  try {
    await ctx.resolver.actionByName(identity, refString(action));
  } catch (err) {
    if (err instanceof WhiskError && err.status === 404)
      throw badRequest(`action ${refString(action)} does not exist`);
    throw err;
  }
}
