/** couchdb_security: a database's _security object (admins and members), written only when different. */
import { type CouchTarget, canonicalJson, couchClient, couchFailed } from './couchdb_client.ts';
import {
  type ArgsOf,
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from './module.ts';
import { changed, ok } from './results.ts';

export interface SecurityGroup {
  names?: string[];
  roles?: string[];
}

export interface CouchSecurityArgs extends CouchTarget {
  admins?: SecurityGroup;
  members?: SecurityGroup;
}

interface SecurityObject {
  admins: Required<SecurityGroup>;
  members: Required<SecurityGroup>;
}

function normalize(raw: unknown): SecurityObject {
  const obj = (raw ?? {}) as { admins?: SecurityGroup; members?: SecurityGroup };
  const group = (g: SecurityGroup | undefined) => ({
    names: [...(g?.names ?? [])].sort(),
    roles: [...(g?.roles ?? [])].sort(),
  });
  return { admins: group(obj.admins), members: group(obj.members) };
}

async function runSecurity(args: CouchSecurityArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const couch = couchClient(args.url);
  let current: SecurityObject;
  try {
    current = normalize(await couch.request({ db: args.db, path: '_security' }));
  } catch (err) {
    return couchFailed(ctx, args, 'reading _security', err);
  }
  const wanted = normalize({ admins: args.admins, members: args.members });
  const before = canonicalJson(current);
  const after = canonicalJson(wanted);
  if (before === after) return ok(`_security of ${args.db} is as wanted`);
  const result = changed(`${ctx.check ? 'would set' : 'set'} _security of ${args.db}`);
  if (ctx.diff)
    result.diff = [{ target: `${args.db}/_security`, before: `${before}\n`, after: `${after}\n` }];
  if (ctx.check) return result;
  try {
    await couch.request({ db: args.db, path: '_security', method: 'PUT', body: wanted });
  } catch (err) {
    return couchFailed(ctx, args, 'writing _security', err);
  }
  return result;
}

export const couchdbSecurityModule: Module<CouchSecurityArgs> = {
  name: 'couchdb_security',
  checkMode: 'full',
  run: runSecurity,
};

export function couchdbSecurity(args: ArgsOf<CouchSecurityArgs>): ModuleCall<CouchSecurityArgs> {
  return call(couchdbSecurityModule, args);
}
