/**
 * initdb: the subjects database (created if missing, never wiped), its `_security`, the design
 * documents of all three databases, and the guest and whisk.system subjects — idempotent upserts.
 * A plain deploy on a fresh store creates whisks and activations here too; only `wipe` deletes.
 */
import { couchdbDocument } from '../engine/modules/couchdb_document.ts';
import { couchdbSecurity } from '../engine/modules/couchdb_security.ts';
import { definePlaybook } from '../engine/runner/playbook.ts';
import { needsStore } from './lib/check.ts';
import { databaseTasks, dbTarget } from './lib/databases.ts';
import { loop } from './lib/loop.ts';
import { readAuthKeys, SUBJECTS } from './lib/secrets.ts';

export default definePlaybook({
  name: 'initdb',
  description: 'databases, design documents, subjects',
  plays: [
    {
      name: 'databases and subjects',
      hosts: 'db',
      tasks: [
        ...needsStore([
          ...databaseTasks(['subjects', 'whisks', 'activations']),
          {
            name: 'subjects database security',
            runOnce: true,
            run: couchdbSecurity((ctx) => ({
              ...dbTarget(ctx, 'subjects'),
              admins: { names: [ctx.host.vars.db.username], roles: [] },
              members: { names: [ctx.host.vars.db.username], roles: [] },
            })),
          },
          {
            name: 'subjects guest and whisk.system',
            runOnce: true,
            run: loop(
              () => [...SUBJECTS],
              (subject, ctx) =>
                couchdbDocument(async () => {
                  const key = (await readAuthKeys(ctx.inventory))[subject];
                  return {
                    ...dbTarget(ctx, 'subjects'),
                    id: subject,
                    doc: { subject, namespaces: [{ name: subject, uuid: key.uuid, key: key.key }] },
                  };
                }),
            ),
          },
        ]),
      ],
    },
  ],
});
