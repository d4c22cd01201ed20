/**
 * openwhisk: controllers then invokers. Before a controller starts, the databases are checked with
 * the credentials the controller will use, so a wrong password fails here with a clear message
 * instead of as a /ping timeout.
 */
import { http } from '../engine/modules/http.ts';
import { waitFor } from '../engine/modules/wait_for.ts';
import { definePlaybook } from '../engine/runner/playbook.ts';
import { Secret } from '../engine/secret.ts';
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
      tasks: [
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
        ...serviceTasks('controller'),
      ],
    },
    { name: 'invokers', hosts: 'invokers', tasks: serviceTasks('invoker') },
    {
      name: 'cluster',
      hosts: 'controllers',
      tasks: [
        {
          name: 'controllers see every invoker healthy',
          tags: ['controller', 'invoker'],
          run: loop(
            (ctx) => servicesOn(ctx.inventory, ctx.host, 'controller'),
            (svc, ctx) =>
              waitFor({
                url: `${svc.url}/invokers/healthy/count`,
                bodyIncludes: String(topology(ctx.inventory).invokers.length),
                delayMs: 200,
                timeoutMs: 30_000,
              }),
            (svc) => svc.name,
          ),
        },
      ],
    },
  ],
});
