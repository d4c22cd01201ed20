/** Helpers the trigger, rule and package routes share: owned names, typed lookups, JSON bodies. */
import { badRequest, notFound, WhiskError } from '../common/errors.ts';
import type { EntityBase, Identity } from '../common/types.ts';
import { entityDocId, type StoredEntity } from '../store/entity-store.ts';
import type { ControllerContext } from './context.ts';
import { type Query, validName } from './validate.ts';

export type Route = { Params: { ns: string; name: string }; Querystring: Query };

export const conformanceMessage = 'Resource by this name exists but is not in this collection.';

/** The caller's own entity of `type` at `ns/name`, 404 when missing, 409 when it is another type. */
export async function ownEntity<T extends EntityBase>(
  ctx: ControllerContext,
  type: T['entityType'],
  ns: string,
  name: string,
): Promise<StoredEntity<T>> {
  const doc = await ctx.entities.find<T>(entityDocId(ns, name));
  if (!doc) throw notFound();
  if (doc.entityType !== type) throw new WhiskError(409, conformanceMessage);
  return doc;
}

/** `{ns}` resolved and owned, `{name}` valid. */
export function ownedName(
  ctx: ControllerContext,
  req: { params: { ns: string; name: string }; identity: Identity },
) {
  const ns = ctx.resolver.namespace(req.params.ns, req.identity);
  const name = validName(req.params.name);
  ctx.resolver.requireOwn(ns, req.identity, `${ns}/${name}`);
  return { ns, name };
}

export function objectBody(body: unknown, what: string): Record<string, unknown> {
  const given = body ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw badRequest(`The request content was malformed: expected a JSON object describing the ${what}.`);
  }
  return given as Record<string, unknown>;
}
