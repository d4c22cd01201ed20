/** /api/v1/namespaces and /api/v1/namespaces/{ns}/limits. */
import type { FastifyInstance } from 'fastify';
import type { ControllerContext } from '../context.ts';

export function namespaceRoutes(app: FastifyInstance, ctx: ControllerContext): void {
  const auth = { preHandler: ctx.auth };
  app.get('/api/v1/namespaces', auth, async (req) => [req.identity.namespace]);
  app.get<{ Params: { ns: string } }>('/api/v1/namespaces/:ns/limits', auth, async (req) => {
    const ns = ctx.resolver.namespace(req.params.ns, req.identity);
    ctx.resolver.requireOwn(ns, req.identity, `${ns}/limits`);
    return limitsInForce(ctx);
  });
}

/** The namespace limits and action limit ranges this deployment enforces. */
export function limitsInForce(ctx: ControllerContext) {
  const { limits, actionLimits: a } = ctx.config;
  return {
    invocationsPerMinute: limits.invocationsPerMinute,
    concurrentInvocations: limits.concurrentInvocations,
    firesPerMinute: limits.firesPerMinute,
    sequenceMaxLength: limits.sequenceMaxLength,
    minActionMemory: a.memory.min * 1_048_576,
    maxActionMemory: a.memory.max * 1_048_576,
    minActionTimeout: a.timeout.min,
    maxActionTimeout: a.timeout.max,
    minActionLogs: a.logs.min * 1_048_576,
    maxActionLogs: a.logs.max * 1_048_576,
    minActionConcurrency: a.concurrency.min,
    maxActionConcurrency: a.concurrency.max,
  };
}
