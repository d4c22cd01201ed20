/** apigateway: the edge (gateway service) users and the CLI talk to. */
import { definePlaybook } from '../engine/runner/playbook.ts';
import { serviceTasks } from './lib/service.ts';

export default definePlaybook({
  name: 'apigateway',
  description: 'the gateway: /api/v1 to the controllers, web actions, API routes',
  plays: [{ name: 'gateway', hosts: 'edge:apigateway', serial: 1, tasks: serviceTasks('gateway') }],
});
