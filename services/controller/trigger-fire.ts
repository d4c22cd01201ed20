/**
 * Triggers and rules as stored (a trigger keeps the map of its rules and their status, as
 * upstream), and firing: the fire throttle, one non-blocking activation per active rule (each
 * admitted by the invoke throttles), and the trigger's own activation record whose logs list each
 * rule's outcome.
 */
import { Messages, notFound, WhiskError } from '../common/errors.ts';
import type { Activation, EntityBase, Identity, KeyValue } from '../common/types.ts';
import { entityDocId, type StoredEntity } from '../store/entity-store.ts';
import { activationResponse, newActivationId } from './activation-record.ts';
import type { ControllerContext } from './context.ts';
import { startAdmitted } from './invoke.ts';
import { toObject } from './resolver.ts';

/** Upstream's FullyQualifiedEntityName as JSON: `path` is `ns` or `ns/pkg`. */
export interface EntityRef {
  path: string;
  name: string;
}

export type RuleStatus = 'active' | 'inactive';

export interface TriggerDoc extends EntityBase {
  entityType: 'trigger';
  parameters: KeyValue[];
  limits: Record<string, never>;
  /** Keyed by `ns/rule`. */
  rules?: Record<string, { action: EntityRef; status: RuleStatus }>;
}

export interface RuleDoc extends EntityBase {
  entityType: 'rule';
  trigger: EntityRef;
  action: EntityRef;
}

export const refString = (r: EntityRef) => `/${r.path}/${r.name}`;

export const inactiveRuleMessage = (rule: string, action: string) =>
  `Rule '${rule}' is inactive, action '${action}' was not activated.`;

/** One line of a trigger activation's logs, keys in upstream's order. */
interface RuleOutcome {
  statusCode: number;
  success: boolean;
  activationId?: string;
  error?: string;
  rule: string;
  action: string;
}

/**
 * Applies `change` to the trigger's rules map and writes it, retrying when another writer won the
 * revision race. Resolves to undefined when the trigger does not exist.
 */
export async function updateTriggerRules(
  ctx: ControllerContext,
  trigger: EntityRef,
  change: (rules: NonNullable<TriggerDoc['rules']>) => void,
): Promise<StoredEntity<TriggerDoc> | undefined> {
  const docId = entityDocId(trigger.path, trigger.name);
  for (let attempt = 0; ; attempt++) {
    const doc = await ctx.entities.find<TriggerDoc>(docId);
    if (doc?.entityType !== 'trigger') return undefined;
    const rules = { ...(doc.rules ?? {}) };
    change(rules);
    try {
      return await ctx.entities.put<TriggerDoc>({ ...doc, rules });
    } catch (err) {
      if (!(err instanceof WhiskError && err.status === 409) || attempt >= 5) throw err;
    }
  }
}

/**
 * Fires the trigger `ns/name` for `identity`. Resolves to the trigger activation id, or undefined
 * when no rule is active (the API's 204). Rule activations start in the background.
 */
export async function fireTrigger(
  ctx: ControllerContext,
  identity: Identity,
  ns: string,
  name: string,
  payload: Record<string, unknown>,
  transactionId: string,
): Promise<string | undefined> {
  ctx.throttles.admitFire(identity.namespace);
  const trigger = await ctx.entities.find<TriggerDoc>(entityDocId(ns, name));
  if (trigger?.entityType !== 'trigger') throw notFound();
  const rules = Object.entries(trigger.rules ?? {});
  if (!rules.some(([, r]) => r.status === 'active')) return undefined;
  const activationId = newActivationId();
  const start = Date.now();
  const args = { ...toObject(trigger.parameters), ...payload };
  void Promise.all(
    rules.map(([rule, link]) =>
      link.status === 'active'
        ? activateRule(ctx, identity, rule, link.action, args, transactionId)
        : outcome(rule, link.action, {
            statusCode: 1,
            error: inactiveRuleMessage(rule, refString(link.action).slice(1)),
          }),
    ),
  )
    .then((outcomes) => {
      const record: Activation = {
        namespace: identity.namespace,
        name,
        subject: identity.subject,
        activationId,
        start,
        end: start,
        duration: 0,
        logs: outcomes.map((o) => JSON.stringify(o)),
        version: trigger.version,
        publish: false,
        annotations: [],
        response: activationResponse('success', payload),
      };
      return ctx.activations.store(record);
    })
    .catch((err: Error) =>
      ctx.log.error({ trigger: `${ns}/${name}`, err: err.message }, 'trigger activation record not stored'),
    );
  return activationId;
}

function outcome(
  rule: string,
  action: EntityRef,
  result: { statusCode: number; activationId?: string; error?: string },
): RuleOutcome {
  return {
    statusCode: result.statusCode,
    success: result.statusCode === 0,
    ...(result.activationId ? { activationId: result.activationId } : {}),
    ...(result.error ? { error: result.error } : {}),
    rule,
    action: refString(action).slice(1),
  };
}

/** Invokes the rule's action non-blocking (as upstream's internal POST: no `cause`); failures become the rule's outcome, never an exception. */
async function activateRule(
  ctx: ControllerContext,
  identity: Identity,
  rule: string,
  action: EntityRef,
  args: Record<string, unknown>,
  transactionId: string,
): Promise<RuleOutcome> {
  try {
    const resolved = await ctx.resolver.actionByName(identity, refString(action));
    const started = startAdmitted(ctx.throttles, ctx.invoker, {
      identity,
      resolved,
      payload: args,
      blocking: false,
      transactionId,
    });
    return outcome(rule, action, { statusCode: 0, activationId: started.activationId });
  } catch (err) {
    const status = err instanceof WhiskError ? err.status : 500;
    const message = err instanceof WhiskError ? err.message : Messages.internalError;
    return outcome(rule, action, { statusCode: status >= 500 ? 3 : 1, error: message });
  }
}
