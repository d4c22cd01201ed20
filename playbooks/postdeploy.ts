/**
 * postdeploy: the whisk.system catalog (shared package `utils`), a smoke test that invokes
 * /whisk.system/utils/echo, and a wskprops file for the environment.
 */

import type { ModuleContext } from '../engine/modules/module.ts';
import { template } from '../engine/modules/template.ts';
import { waitFor } from '../engine/modules/wait_for.ts';
import { definePlaybook } from '../engine/runner/playbook.ts';
import { catalogPackages } from '../services/catalog/catalog.ts';
import { needsApi } from './lib/check.ts';
import { onController } from './lib/delegate.ts';
import { loop } from './lib/loop.ts';
import { smokeInvoke, whiskEntity } from './lib/modules.ts';
import { readAuthKeys } from './lib/secrets.ts';
import { apiHost } from './lib/topology.ts';
import { wskpropsFile } from './lib/wskprops.ts';

const SYSTEM = 'whisk.system';

/** Everything here talks to the API; run it once, from the first edge host's play. */
async function api(ctx: ModuleContext) {
  const keys = await readAuthKeys(ctx.inventory);
  return { apihost: apiHost(ctx.inventory), keys };
}

const packages = catalogPackages();

/** Upserts an entity of the whisk.system namespace through the API. */
function systemEntity(path: string, body: Record<string, unknown>) {
  return whiskEntity(async (ctx) => {
    const { apihost, keys } = await api(ctx);
    return { apihost, auth: keys[SYSTEM].pair, namespace: SYSTEM, path, body };
  });
}

export default definePlaybook({
  name: 'postdeploy',
  description: 'whisk.system catalog, smoke test, wskprops',
  plays: [
    {
      name: 'catalog and smoke test',
      hosts: 'edge:apigateway',
      tasks: [
        ...needsApi([
          {
            name: 'API answers through the gateway',
            runOnce: true,
            run: waitFor((ctx) => ({
              url: `${apiHost(ctx.inventory)}/api/v1`,
              status: 200,
              delayMs: 200,
              timeoutMs: 30_000,
            })),
          },
          {
            name: 'catalog packages',
            runOnce: true,
            tags: ['catalog'],
            run: loop(
              () => packages,
              (pkg) =>
                systemEntity(`packages/${pkg.name}`, {
                  publish: true,
                  annotations: [{ key: 'description', value: pkg.description }],
                  parameters: [],
                }),
              (pkg) => pkg.name,
            ),
          },
          {
            name: 'catalog actions',
            runOnce: true,
            tags: ['catalog'],
            run: loop(
              () => packages.flatMap((pkg) => pkg.actions.map((action) => ({ pkg: pkg.name, action }))),
              ({ pkg, action }) =>
                systemEntity(`actions/${pkg}/${action.name}`, {
                  exec: { kind: action.kind, code: action.code },
                  annotations: [{ key: 'description', value: action.description }],
                }),
              ({ pkg, action }) => `${pkg}/${action.name}`,
            ),
          },
          {
            name: 'smoke test: /whisk.system/utils/echo',
            runOnce: true,
            tags: ['smoke'],
            run: smokeInvoke(async (ctx) => {
              const { apihost, keys } = await api(ctx);
              return {
                apihost,
                auth: keys.guest.pair,
                action: '/whisk.system/utils/echo',
                params: { message: 'hello' },
                expect: { message: 'hello' },
              };
            }),
          },
          {
            name: 'wskprops for the guest namespace',
            runOnce: true,
            run: onController(
              template(async (ctx) => {
                const { apihost, keys } = await api(ctx);
                const dest = wskpropsFile(ctx.inventory);
                return {
                  src: 'wskprops.hbs',
                  dest,
                  mode: 0o600,
                  vars: {
                    apihost,
                    auth: keys.guest.pair,
                    wskprops_path: dest,
                    environment: ctx.inventory.name,
                  },
                };
              }),
            ),
          },
        ]),
      ],
    },
  ],
});
