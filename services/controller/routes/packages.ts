/**
 * /api/v1/namespaces/{ns}/packages[/{name}]: list (own packages, or another namespace's shared
 * ones), get (with the package's actions; a binding shows its bound package's actions and the
 * merged parameters), create/update (packages and bindings), delete (409 while it holds actions
 * unless `force=true`). Also the listing of a package's actions, `GET …/actions/{pkg}/`.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest, Messages, notFound, WhiskError } from '../../common/errors.ts';
import type { EntityBase, Identity, KeyValue } from '../../common/types.ts';
import { entityDocId, type StoredEntity } from '../../store/entity-store.ts';
import { type ControllerContext, entityWrite, publicEntity } from '../context.ts';
import { conformanceMessage } from '../entities.ts';
import { forbidden, type PackageDoc } from '../resolver.ts';
import { bool, keyValues, listParams, type Query, validName } from '../validate.ts';

export const PackageMessages = {
  nameReserved: (name: string) => `Package name '${name}' is reserved.`,
  bindingDoesNotExist: 'Binding references a package that does not exist.',
  bindingCannotReferenceBinding: 'Cannot bind to another package binding.',
  requestedBindingIsNotValid: 'Cannot bind to a resource that is not a package.',
  packageCannotBecomeBinding: 'Resource is a package and cannot be converted into a binding.',
  notEmpty: (n: number) => `Package not empty (contains ${n} ${n === 1 ? 'entity' : 'entities'})`,
} as const;

const RESERVED_NAMES = new Set(['default']);
/** Upper bound on the members a package GET shows or a forced delete removes in one pass. */
const MEMBERS_MAX = 10_000;

type Binding = { namespace: string; name: string };
type Route = { Params: { ns: string; name: string }; Querystring: Query };

export function packageRoutes(app: FastifyInstance, ctx: ControllerContext): void {
  const base = '/api/v1/namespaces/:ns/packages';
  const auth = { preHandler: ctx.auth };

  app.get<{ Params: { ns: string }; Querystring: Query }>(base, auth, async (req) => {
    const ns = ctx.resolver.namespace(req.params.ns, req.identity);
    const list = listParams(req.query, 'packages');
    // Another namespace shows only its shared packages (never bindings), as upstream.
    const view = ns === req.identity.namespace ? 'packages' : 'packages-public';
    if (list.count) return { packages: await ctx.entities.count(view, ns) };
    return await ctx.entities.list(view, ns, list);
  });

  app.get<Route>(`${base}/:name`, auth, async (req) => {
    const ns = ctx.resolver.namespace(req.params.ns, req.identity);
    const name = validName(req.params.name);
    const pkg = await readablePackage(ctx, req.identity, ns, name);
    const b = pkg.binding;
    if (!b?.namespace || !b.name) return await withActions(ctx, shown(pkg), `${ns}/${name}`);
    const provider = await ctx.entities.find<PackageDoc>(entityDocId(b.namespace, b.name));
    if (provider?.entityType !== 'package') throw notFound();
    const merged = { ...shown(pkg), parameters: mergeKeyValues(provider.parameters, pkg.parameters) };
    return await withActions(ctx, merged, `${b.namespace}/${b.name}`);
  });

  app.put<Route>(`${base}/:name`, auth, async (req) => shown(await putPackage(ctx, req)));

  app.delete<Route>(`${base}/:name`, auth, async (req) => {
    const ns = ctx.resolver.namespace(req.params.ns, req.identity);
    const name = validName(req.params.name);
    ctx.resolver.requireOwn(ns, req.identity, `${ns}/${name}`);
    const docId = entityDocId(ns, name);
    const pkg = await ctx.entities.get<PackageDoc>(docId);
    if (pkg.entityType !== 'package') throw new WhiskError(409, conformanceMessage);
    if (!pkg.binding?.namespace) {
      const members = `${ns}/${name}`;
      const count = await ctx.entities.count('all', members);
      if (count > 0 && !bool(req.query, 'force')) throw new WhiskError(409, PackageMessages.notEmpty(count));
      if (count > 0) await deleteMembers(ctx, members);
    }
    await ctx.entities.delete(docId, pkg._rev);
    return shown(pkg);
  });
}

/** `GET /namespaces/{ns}/actions/{pkg}/`: the actions of a package (a binding lists its bound package's). */
export async function listPackageActions(
  ctx: ControllerContext,
  identity: Identity,
  ns: string,
  pkg: string,
  query: Query,
): Promise<EntityBase[] | { actions: number }> {
  validName(pkg);
  const { actionsNamespace } = await ctx.resolver.packages(identity, ns, pkg);
  const list = listParams(query, 'actions');
  if (list.count) return { actions: await ctx.entities.count('actions', actionsNamespace) };
  return await ctx.entities.list('actions', actionsNamespace, list);
}

/** The caller's own package, or another namespace's shared one (403 otherwise, as upstream). */
async function readablePackage(ctx: ControllerContext, identity: Identity, ns: string, name: string) {
  const owned = ns === identity.namespace;
  const pkg = await ctx.entities.find<PackageDoc>(entityDocId(ns, name));
  if (pkg?.entityType !== 'package') {
    if (!owned) throw forbidden(`${ns}/${name}`);
    if (pkg) throw new WhiskError(409, conformanceMessage);
    throw notFound();
  }
  if (!owned && !pkg.publish) throw forbidden(`${ns}/${name}`);
  return pkg;
}

/** A package as the API shows it: `binding` is `{}` for a package that is not a binding. */
function shown(pkg: StoredEntity<PackageDoc>) {
  return { ...publicEntity(pkg), binding: pkg.binding ?? {} };
}

/** Adds the member actions (`actions`) and feeds (actions annotated `feed`) of `members`. */
async function withActions<T extends object>(ctx: ControllerContext, pkg: T, members: string) {
  const all = await ctx.entities.list('actions', members, { limit: MEMBERS_MAX, skip: 0 });
  const summary = (a: EntityBase) => ({ name: a.name, version: a.version, annotations: a.annotations });
  const isFeed = (a: EntityBase) => a.annotations?.some((kv) => kv.key === 'feed') ?? false;
  return {
    ...pkg,
    actions: all.filter((a) => !isFeed(a)).map(summary),
    feeds: all.filter(isFeed).map(summary),
  };
}

/** `base` overridden by `over` key by key, keeping base's order (upstream's Parameters ++). */
export function mergeKeyValues(base: KeyValue[] = [], over: KeyValue[] = []): KeyValue[] {
  const out = base.filter((kv) => !over.some((o) => o.key === kv.key));
  return [...out, ...over];
}

async function putPackage(
  ctx: ControllerContext,
  req: { params: Route['Params']; query: Query; body: unknown; identity: Identity },
) {
  const ns = ctx.resolver.namespace(req.params.ns, req.identity);
  const name = validName(req.params.name);
  ctx.resolver.requireOwn(ns, req.identity, `${ns}/${name}`);
  if (RESERVED_NAMES.has(name)) throw badRequest(PackageMessages.nameReserved(name));
  const body = req.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The request content was malformed: expected a JSON object describing the package.');
  }
  const given = body as Record<string, unknown>;
  const docId = entityDocId(ns, name);
  const existing = await ctx.entities.find<PackageDoc>(docId);
  if (existing && existing.entityType !== 'package') throw new WhiskError(409, conformanceMessage);
  if (existing && !bool(req.query, 'overwrite')) throw new WhiskError(409, Messages.resourceExists);

  let binding = existing?.binding?.namespace ? (existing.binding as Binding) : undefined;
  if (given.binding !== undefined && !isEmptyObject(given.binding)) {
    if (existing && !binding) throw new WhiskError(409, PackageMessages.packageCannotBecomeBinding);
    binding = await checkBinding(ctx, req.identity, given.binding);
  }
  const annotations = (keyValues(given.annotations, 'annotations') ?? existing?.annotations ?? []).filter(
    (a) => a.key !== 'binding',
  );
  if (binding) annotations.push({ key: 'binding', value: binding });
  const doc: PackageDoc & { _id: string; _rev?: string } = {
    ...entityWrite('package', docId, ns, name, existing, given),
    annotations,
    parameters: keyValues(given.parameters, 'parameters') ?? existing?.parameters ?? [],
    ...(binding ? { binding } : {}),
  };
  return await ctx.entities.put(doc);
}

function isEmptyObject(v: unknown): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** The bound package must exist, be readable by the caller, and not itself be a binding. */
async function checkBinding(ctx: ControllerContext, identity: Identity, given: unknown): Promise<Binding> {
  const b = given as Partial<Binding> | null;
  if (!b || typeof b !== 'object' || typeof b.name !== 'string' || !b.name) {
    throw badRequest('binding must be {"namespace": string, "name": string} naming the package to bind.');
  }
  const namespace = ctx.resolver.namespace(
    typeof b.namespace === 'string' && b.namespace ? b.namespace : '_',
    identity,
  );
  validName(b.name);
  const target = await ctx.entities.find<PackageDoc>(entityDocId(namespace, b.name));
  if (!target) {
    if (namespace !== identity.namespace) throw forbidden(`${namespace}/${b.name}`);
    throw badRequest(PackageMessages.bindingDoesNotExist);
  }
  if (target.entityType !== 'package') throw new WhiskError(409, PackageMessages.requestedBindingIsNotValid);
  if (namespace !== identity.namespace && !target.publish) throw forbidden(`${namespace}/${b.name}`);
  if (target.binding?.namespace) throw badRequest(PackageMessages.bindingCannotReferenceBinding);
  return { namespace, name: b.name };
}

/** `force=true`: removes every entity stored inside the package before the package itself. */
async function deleteMembers(ctx: ControllerContext, members: string): Promise<void> {
  const all = await ctx.entities.list('all', members, { limit: MEMBERS_MAX, skip: 0 });
  for (const e of all.filter((m) => m.namespace === members)) {
    const docId = entityDocId(members, e.name);
    const doc = await ctx.entities.find(docId);
    if (doc) await ctx.entities.delete(docId, doc._rev);
  }
}
