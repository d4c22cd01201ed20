/**
 * openwhisk: controllers then invokers, each a rolling update (`serial: 1`, one host at a time):
 * a changed release or config restarts one host's services, waits until they are healthy — for an
 * invoker, until every controller routes to it again — and only then moves on, so the others keep
 * serving. A failing batch stops the rollout (max_fail_percentage 0). Before a controller starts,
 * the databases are checked with the credentials the controller will use, so a wrong password
 * fails here with a clear message instead of as a /ping timeout.
 */
import { http } from '../engine/modules/http.ts';
import { waitFor } from '../engine/modules/wait_for.ts';
import { definePlaybook } from '../engine/runner/playbook.ts';
import { Secret } from '../engine/secret.ts';
import { needsControllers, needsStore } from './lib/check.ts';
import { loop } from './lib/loop.ts';
import { serviceTasks } from './lib/service.ts';
import { dbUrlWithCredentials, servicesOn, topology } from './lib/topology.ts';

const DATABASES = ['subjects', 'whisks', 'activations'];

export default definePlaybook({
  name: 'openwhisk',
  description: 'controllers and invokers',
  plays: [
    {
      name: 'controllers',
      hosts: 'controllers',
      serial: 1,
      tasks: [
        ...needsStore([
          {
            name: 'controller: databases reachable with its credentials',
            tags: ['controller', 'preflight'],
            run: loop(
              () => DATABASES,
              (db, ctx) =>
                http({
                  url: new Secret(`${dbUrlWithCredentials(ctx.inventory)}/${ctx.host.vars.db.prefix}${db}`),
                  method: 'GET',
                  status: 200,
                }),
            ),
          },
        ]),
        ...serviceTasks('controller'),
      ],
    },
    {
      name: 'invokers',
      hosts: 'invokers',
      serial: 1,
      tasks: [
        ...serviceTasks('invoker'),
        ...needsControllers([
          {
            name: 'invoker: every controller routes to it',
            tags: ['invoker'],
            run: loop(
              (ctx) => {
                const { controllers } = topology(ctx.inventory);
                return servicesOn(ctx.inventory, ctx.host, 'invoker').flatMap((invoker) =>
                  controllers.map((controller) => ({ invoker, controller })),
                );
              },
              ({ invoker, controller }) =>
                waitFor({
                  url: `${controller.url}/invokers`,
                  bodyIncludes: `"${invoker.name}":"up"`,
                  delayMs: 200,
                  timeoutMs: 30_000,
                }),
              ({ invoker, controller }) => `${controller.name} → ${invoker.name}`,
            ),
          },
        ]),
      ],
    },
  ],
});
