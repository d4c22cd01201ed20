/**
 * couchdb: the store, by `db.provider`:
 * - embedded: owctl's CouchDB-compatible server (pouchdb-server) as a supervised process; it
 *   creates the admin and `_users` itself on start;
 * - external: an existing CouchDB or Cloudant named by OW_DB_*; only verified;
 * - docker: owctl's store image (the same server) as a container, through the docker engine of
 *   the db host (see the docker-local environment).
 */
import { http } from '../engine/modules/http.ts';
import type { ModuleContext } from '../engine/modules/module.ts';
import { definePlaybook, type Task } from '../engine/runner/playbook.ts';
import { Secret } from '../engine/secret.ts';
import { needsStore } from './lib/check.ts';
import { containerServiceTasks } from './lib/container-service.ts';
import { serviceTasks } from './lib/service.ts';
import { dbUrlWithCredentials } from './lib/topology.ts';

const provider =
  (p: string, also: Task['when']) =>
  async (ctx: ModuleContext): Promise<boolean> =>
    ctx.host.vars.db.provider === p && (also ? await also(ctx) : true);

export default definePlaybook({
  name: 'couchdb',
  description: 'the CouchDB-protocol store',
  plays: [
    {
      name: 'store',
      hosts: 'db',
      tasks: [
        ...serviceTasks('couchdb').map((t) => ({ ...t, when: provider('embedded', t.when) })),
        ...containerServiceTasks('couchdb').map((t) => ({ ...t, when: provider('docker', t.when) })),
        ...needsStore([
          {
            name: 'store answers with the admin credentials',
            runOnce: true,
            tags: ['couchdb'],
            run: http((ctx) => ({
              url: new Secret(`${dbUrlWithCredentials(ctx.inventory)}/_all_dbs`),
              method: 'GET',
              status: 200,
            })),
          },
        ]),
      ],
    },
  ],
});
