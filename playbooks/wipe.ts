/**
 * wipe: DELETES and recreates the whisks and activations databases (actions, triggers, rules,
 * packages, activation records). Runs only when asked for by name: `owctl playbook wipe -i ENV`
 * or `owctl deploy ENV --wipe`, confirmed on a terminal unless --yes. Subjects are never touched.
 */
import { couchdbDatabase } from '../engine/modules/couchdb_database.ts';
import { definePlaybook } from '../engine/runner/playbook.ts';
import { needsStore } from './lib/check.ts';
import { databaseTasks, dbTarget } from './lib/databases.ts';
import { loop } from './lib/loop.ts';

export default definePlaybook({
  name: 'wipe',
  description: 'delete and recreate whisks and activations (destroys data)',
  destructive: 'deletes every action, trigger, rule, package and activation record',
  plays: [
    {
      name: 'wipe entities and activations',
      hosts: 'db',
      tasks: [
        ...needsStore([
          {
            name: 'delete whisks and activations',
            runOnce: true,
            run: loop(
              () => ['whisks', 'activations'] as const,
              (db, ctx) => couchdbDatabase({ ...dbTarget(ctx, db), state: 'absent', purge: true }),
            ),
          },
          ...databaseTasks(['whisks', 'activations']),
        ]),
      ],
    },
  ],
});
