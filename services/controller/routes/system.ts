/**
 * Unauthenticated routes: `/` (info), `/ping`, `/api/v1`, and the invoker side channel
 * (`POST /invokers/ping`, `GET /invokers`, `GET /invokers/healthy/count`). The edge exposes only
 * /api/…, so the invoker routes are reachable from the platform network alone.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../../common/errors.ts';
import type { InvokerPing } from '../../common/types.ts';
import { kindNames } from '../../runtimes/manifest.ts';
import type { ControllerContext } from '../context.ts';

export function systemRoutes(app: FastifyInstance, ctx: ControllerContext): void {
  const { limits, actionLimits: a } = ctx.config;
  app.get('/', async () => ({
    description: 'OpenWhisk-compatible controller (owctl)',
    api_paths: ['/api/v1'],
    limits: {
      actions_per_minute: limits.invocationsPerMinute,
      triggers_per_minute: limits.firesPerMinute,
      concurrent_actions: limits.concurrentInvocations,
      sequence_length: limits.sequenceMaxLength,
      min_action_duration: a.timeout.min,
      max_action_duration: a.timeout.max,
      min_action_memory: a.memory.min * 1_048_576,
      max_action_memory: a.memory.max * 1_048_576,
      min_action_logs: a.logs.min * 1_048_576,
      max_action_logs: a.logs.max * 1_048_576,
    },
    runtimes: kindNames(ctx.manifest),
  }));
  app.get('/ping', async (_req, reply) =>
    ctx.draining
      ? reply.code(503).type('text/plain').send('stopping')
      : reply.type('text/plain').send('pong'),
  );
  app.get('/api/v1', async () => ({
    api_version: '1.0.0',
    api_version_path: 'v1',
    description: 'OpenWhisk API',
    swagger_paths: { 'api-docs': '/api-docs', ui: '/docs' },
    build: 'owctl',
    buildno: ctx.config.id,
  }));

  app.post('/invokers/ping', async (req) => {
    ctx.loadBalancer.ping(parsePing(req.body));
    return { ok: true };
  });
  app.get('/invokers', async () => ctx.loadBalancer.health());
  app.get(
    '/invokers/healthy/count',
    async () => Object.values(ctx.loadBalancer.health()).filter((h) => h === 'up').length,
  );
}

function parsePing(body: unknown): InvokerPing {
  const p = body as Partial<InvokerPing> | undefined;
  if (
    !p ||
    typeof p.id !== 'string' ||
    typeof p.url !== 'string' ||
    !/^https?:\/\//.test(p.url) ||
    typeof p.userMemoryMB !== 'number'
  ) {
    throw badRequest(
      'invoker ping must be {id, url (http[s]://…), userMemoryMB, freeMemoryMB, busy, status}.',
    );
  }
  return {
    id: p.id,
    url: p.url.replace(/\/+$/, ''),
    userMemoryMB: p.userMemoryMB,
    freeMemoryMB: typeof p.freeMemoryMB === 'number' ? p.freeMemoryMB : p.userMemoryMB,
    busy: typeof p.busy === 'number' ? p.busy : 0,
    status: p.status === 'unhealthy' ? 'unhealthy' : 'up',
  };
}
