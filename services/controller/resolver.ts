/**
 * The shared entity resolver: `_` to the caller's namespace, `ns/pkg/name` through packages (and
 * package bindings) to the stored action, and the entitlement rule: the caller's own namespace, or
 * a published package of another namespace (e.g. /whisk.system/utils). Package lookup is a
 * replaceable strategy so the packages API can refine it without touching the routes.
 */
import { Messages, notFound, WhiskError } from '../common/errors.ts';
import type { ActionDoc, EntityBase, Identity, KeyValue } from '../common/types.ts';
import { type EntityStore, entityDocId, type StoredEntity } from '../store/entity-store.ts';

export interface PackageDoc extends EntityBase {
  entityType: 'package';
  parameters: KeyValue[];
  binding?: { namespace?: string; name?: string };
}

/** Where a package's actions live and the parameters they inherit (package < binding). */
export interface ResolvedPackage {
  /** Namespace of the member actions' documents: `ns/pkg` of the package that owns them. */
  actionsNamespace: string;
  parameters: KeyValue[];
}

export type PackageResolver = (
  identity: Identity,
  namespace: string,
  pkg: string,
) => Promise<ResolvedPackage>;

export interface ResolvedAction {
  action: StoredEntity<ActionDoc>;
  /** Fully qualified path as invoked, without the leading slash: `ns/name` or `ns/pkg/name`. */
  path: string;
  /** Inherited and own parameters, merged (package < binding < action). */
  params: Record<string, unknown>;
}

export const toObject = (kvs: KeyValue[] | undefined): Record<string, unknown> =>
  Object.fromEntries((kvs ?? []).map((kv) => [kv.key, kv.value]));

export const forbidden = (path: string) => new WhiskError(403, Messages.notAuthorized(path));

/** Follows a binding to its package; another namespace's package must be published. */
export function storePackageResolver(entities: EntityStore): PackageResolver {
  return async (identity, namespace, pkg) => {
    const owned = namespace === identity.namespace;
    const found = await entities.find<PackageDoc>(entityDocId(namespace, pkg));
    if (found?.entityType !== 'package') throw owned ? notFound() : forbidden(`${namespace}/${pkg}`);
    if (!owned && !found.publish) throw forbidden(`${namespace}/${pkg}`);
    const b = found.binding;
    if (!b?.namespace || !b.name)
      return { actionsNamespace: `${namespace}/${pkg}`, parameters: found.parameters ?? [] };
    const target = await entities.find<PackageDoc>(entityDocId(b.namespace, b.name));
    if (target?.entityType !== 'package') throw notFound();
    if (b.namespace !== identity.namespace && !target.publish) throw forbidden(`${b.namespace}/${b.name}`);
    return {
      actionsNamespace: `${b.namespace}/${b.name}`,
      parameters: [...(target.parameters ?? []), ...(found.parameters ?? [])],
    };
  };
}

export class EntityResolver {
  constructor(
    private readonly entities: EntityStore,
    public packages: PackageResolver = storePackageResolver(entities),
  ) {}

  /** The namespace a path names: `_` is the caller's. */
  namespace(ns: string, identity: Identity): string {
    return ns === '_' ? identity.namespace : ns;
  }

  /** Throws 403 unless the caller owns the namespace (writes, listings, activations). */
  requireOwn(namespace: string, identity: Identity, path: string): void {
    if (namespace !== identity.namespace) throw forbidden(path);
  }

  /** Resolves an action for reading or invoking. */
  async action(
    identity: Identity,
    namespace: string,
    pkg: string | undefined,
    name: string,
  ): Promise<ResolvedAction> {
    const path = pkg ? `${namespace}/${pkg}/${name}` : `${namespace}/${name}`;
    let docNamespace = namespace;
    let inherited: KeyValue[] = [];
    if (pkg) {
      const resolved = await this.packages(identity, namespace, pkg);
      docNamespace = resolved.actionsNamespace;
      inherited = resolved.parameters;
    } else if (namespace !== identity.namespace) {
      throw forbidden(path);
    }
    const action = await this.entities.find<ActionDoc>(entityDocId(docNamespace, name));
    if (action?.entityType !== 'action') throw notFound();
    return { action, path, params: { ...toObject(inherited), ...toObject(action.parameters) } };
  }

  /** Resolves `/ns/name` or `/ns/pkg/name` (`_` allowed for ns). */
  async actionByName(identity: Identity, fqn: string): Promise<ResolvedAction> {
    const parts = parseFullyQualified(fqn);
    if (!parts) throw notFound();
    return await this.action(identity, this.namespace(parts.namespace, identity), parts.pkg, parts.name);
  }
}

/** Splits `/ns/name` or `/ns/pkg/name`; undefined when malformed. */
export function parseFullyQualified(
  fqn: string,
): { namespace: string; pkg?: string; name: string } | undefined {
  const parts = fqn.replace(/^\//, '').split('/');
  if (parts.some((p) => p === '')) return undefined;
  if (parts.length === 2) return { namespace: parts[0]!, name: parts[1]! };
  if (parts.length === 3) return { namespace: parts[0]!, pkg: parts[1]!, name: parts[2]! };
  return undefined;
}
