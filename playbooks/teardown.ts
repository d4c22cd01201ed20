/**
 * teardown: stops this environment's services, and only them (pid files under the environment's
 * state). Data stays unless the user asked for `purge=true` (`owctl teardown ENV --purge`).
 */
import { dirname } from 'node:path';
import { file } from '../engine/modules/file.ts';
import { definePlaybook } from '../engine/runner/playbook.ts';
import { loop } from './lib/loop.ts';
import { hostPaths, isLocal } from './lib/paths.ts';
import { stopServiceTask } from './lib/service.ts';

const purging = (vars: Record<string, unknown>) => vars.purge === true || vars.purge === 'true';

export default definePlaybook({
  name: 'teardown',
  description: "stop this environment's services; --purge also deletes its data",
  plays: [
    {
      name: 'stop services',
      hosts: 'all',
      tasks: [
        stopServiceTask('gateway'),
        stopServiceTask('controller'),
        stopServiceTask('invoker'),
        stopServiceTask('couchdb'),
        {
          name: 'purge state (data, logs, configs; on remote hosts the shipped release and node)',
          when: (ctx) => purging(ctx.host.vars),
          tags: ['purge'],
          run: loop(
            (ctx) => {
              const p = hostPaths(ctx.inventory, ctx.host);
              // On a remote host owctl also shipped the release and node; a local host runs
              // from this checkout and the operator's node, which stay.
              const shipped = isLocal(ctx.host)
                ? []
                : [p.release, p.releases, ...(ctx.host.vars.node_path ? [] : [dirname(dirname(p.node))])];
              return [p.data, p.logs, p.config, p.run, ...shipped];
            },
            (path) => file({ path, state: 'absent' }),
          ),
        },
      ],
    },
  ],
});
