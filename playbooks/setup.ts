/**
 * setup: the environment's state folders and keys, and TLS material when TLS is on. Keys are
 * generated once per environment and never regenerated (see lib/secrets.ts).
 */
import { command } from '../engine/modules/command.ts';
import { file } from '../engine/modules/file.ts';
import { definePlaybook } from '../engine/runner/playbook.ts';
import { loop } from './lib/loop.ts';
import { authKeys } from './lib/modules.ts';
import { hostPaths } from './lib/paths.ts';

export default definePlaybook({
  name: 'setup',
  description: 'state folders, per-environment keys, TLS material',
  plays: [
    {
      name: 'environment keys',
      hosts: 'all',
      tasks: [
        {
          name: 'auth keys for guest and whisk.system',
          runOnce: true,
          run: authKeys((ctx) => ({ wellKnown: ctx.host.vars.well_known_keys === true })),
        },
      ],
    },
    {
      name: 'state folders',
      hosts: 'all',
      tasks: [
        {
          name: 'state folders',
          run: loop(
            (ctx) => {
              const p = hostPaths(ctx.inventory, ctx.host);
              return [p.state, p.config, p.data, p.logs, p.run];
            },
            (path) => file({ path, state: 'directory', mode: 0o700 }),
          ),
        },
        {
          name: 'gateway TLS certificate (self-signed)',
          when: (ctx) => ctx.host.groups.includes('edge') && ctx.host.vars.gateway.tls.enabled === true,
          run: command((ctx) => {
            const { cert, key } = ctx.host.vars.gateway.tls;
            if (!cert || !key)
              throw new Error('gateway.tls.enabled needs gateway.tls.cert and gateway.tls.key paths');
            return {
              argv: [
                'openssl',
                'req',
                '-x509',
                '-newkey',
                'rsa:2048',
                '-nodes',
                '-days',
                '825',
                '-subj',
                `/CN=${ctx.host.vars.ansible_host}`,
                '-keyout',
                key,
                '-out',
                cert,
              ],
              creates: cert,
            };
          }),
        },
      ],
    },
  ],
});
