/** The platform's three databases and their design documents, as the initdb and wipe playbooks see them. */
import { couchdbDatabase } from '../../engine/modules/couchdb_database.ts';
import { couchdbDocument } from '../../engine/modules/couchdb_document.ts';
import type { ModuleContext } from '../../engine/modules/module.ts';
import type { Task } from '../../engine/runner/playbook.ts';
import { Secret } from '../../engine/secret.ts';
import { designDocs } from '../../services/store/design.ts';
import { loop } from './loop.ts';
import { dbUrlWithCredentials } from './topology.ts';

export type DbName = keyof typeof designDocs;

export function dbTarget(ctx: ModuleContext, db: DbName): { url: Secret; db: string } {
  return { url: new Secret(dbUrlWithCredentials(ctx.inventory)), db: `${ctx.host.vars.db.prefix}${db}` };
}

/** Creates the databases when missing and upserts their design documents. */
export function databaseTasks(dbs: DbName[]): Task[] {
  return [
    {
      name: `databases ${dbs.join(', ')}`,
      runOnce: true,
      run: loop(
        () => dbs,
        (db, ctx) => couchdbDatabase({ ...dbTarget(ctx, db), state: 'present' }),
      ),
    },
    {
      name: 'design documents',
      runOnce: true,
      run: loop(
        () => dbs.flatMap((db) => designDocs[db].map((doc) => ({ db, doc }))),
        ({ db, doc }, ctx) => couchdbDocument({ ...dbTarget(ctx, db), id: doc._id, doc: { ...doc } }),
        ({ db, doc }) => `${db}/${doc._id}`,
      ),
    },
  ];
}
