/**
 * couchdb_database: a database exists (present) or not (absent). Deleting destroys data, so absent
 * acts only with an explicit `purge: true`.
 */
import { type CouchTarget, couchClient, couchFailed, statusOf } from './couchdb_client.ts';
import {
  type ArgsOf,
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from './module.ts';
import { changed, failed, ok } from './results.ts';

export interface CouchDatabaseArgs extends CouchTarget {
  state?: 'present' | 'absent';
  /** Required for state absent: deleting a database destroys its documents. */
  purge?: boolean;
}

async function runDatabase(args: CouchDatabaseArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const state = args.state ?? 'present';
  if (state === 'absent' && args.purge !== true) {
    return failed(
      `refusing to delete database ${args.db} (task on host ${ctx.host.name}): that destroys its data; pass purge: true to really delete it`,
    );
  }
  const couch = couchClient(args.url);
  let exists: boolean;
  try {
    await couch.db.get(args.db);
    exists = true;
  } catch (err) {
    if (statusOf(err) !== 404) return couchFailed(ctx, args, 'reading database info', err);
    exists = false;
  }
  if (exists === (state === 'present')) return ok(`database ${args.db} is ${state}`);
  const verb = state === 'present' ? 'create' : 'delete';
  const result = changed(`${ctx.check ? `would ${verb}` : `${verb}d`} database ${args.db}`);
  if (ctx.diff) {
    result.diff = [
      { target: `database ${args.db}`, before: `${exists ? 'present' : 'absent'}\n`, after: `${state}\n` },
    ];
  }
  if (ctx.check) return result;
  try {
    if (state === 'present') await couch.db.create(args.db);
    else await couch.db.destroy(args.db);
  } catch (err) {
    // Another controller may have created it meanwhile: that is the wanted state.
    if (state === 'present' && statusOf(err) === 412) return ok(`database ${args.db} is present`);
    return couchFailed(ctx, args, `${verb === 'create' ? 'creating' : 'deleting'} the database`, err);
  }
  return result;
}

export const couchdbDatabaseModule: Module<CouchDatabaseArgs> = {
  name: 'couchdb_database',
  checkMode: 'full',
  run: runDatabase,
};

export function couchdbDatabase(args: ArgsOf<CouchDatabaseArgs>): ModuleCall<CouchDatabaseArgs> {
  return call(couchdbDatabaseModule, args);
}
