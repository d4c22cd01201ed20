/**
 * release: what a bare Linux host with sshd needs to run the services — a Node.js runtime (owctl's
 * own, unless the host has a suitable one at node_path) and the release artifact (services and
 * production node_modules), each sent over SFTP only when the host lacks it. `local` hosts run
 * from this checkout with this node and skip both.
 */
import type { ModuleContext } from '../engine/modules/module.ts';
import { definePlaybook } from '../engine/runner/playbook.ts';
import { releaseArtifact } from './lib/artifact.ts';
import { hostPaths, isLocal } from './lib/paths.ts';
import { releaseId } from './lib/release.ts';
import { nodeRuntime, release } from './lib/ship.ts';

const remote = (ctx: ModuleContext) => !isLocal(ctx.host);

export default definePlaybook({
  name: 'release',
  description: "Node.js and the services' release on every remote host",
  plays: [
    {
      name: 'release',
      hosts: 'all',
      tasks: [
        {
          name: 'node runtime',
          when: remote,
          tags: ['release', 'node'],
          run: nodeRuntime((ctx) => ({
            path: hostPaths(ctx.inventory, ctx.host).node,
            managed: !ctx.host.vars.node_path,
          })),
        },
        {
          name: 'release artifact',
          when: remote,
          tags: ['release'],
          run: release((ctx) => {
            const paths = hostPaths(ctx.inventory, ctx.host);
            return {
              artifact: releaseArtifact,
              id: releaseId(),
              releases: paths.releases,
              link: paths.release,
            };
          }),
        },
      ],
    },
  ],
});
