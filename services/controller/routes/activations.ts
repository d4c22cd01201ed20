/** /api/v1/namespaces/{ns}/activations[/{id}[/result|/logs]] — the caller's own records only. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ControllerContext } from '../context.ts';
import { bool, listParams, type Query, timeParam } from '../validate.ts';

type Route = { Params: { ns: string; id: string }; Querystring: Query };
type Req = FastifyRequest<Route>;

export function activationRoutes(app: FastifyInstance, ctx: ControllerContext): void {
  const base = '/api/v1/namespaces/:ns/activations';
  const auth = { preHandler: ctx.auth };

  const own = (req: Req, suffix = '') => {
    const ns = ctx.resolver.namespace(req.params.ns, req.identity);
    ctx.resolver.requireOwn(ns, req.identity, `${ns}/activations${suffix}`);
    return ns;
  };

  app.get<Route>(base, auth, async (req) => {
    const ns = own(req);
    const list = listParams(req.query, 'activations');
    const query = {
      ...(req.query.name ? { name: req.query.name } : {}),
      since: timeParam(req.query, 'since'),
      upto: timeParam(req.query, 'upto'),
    };
    if (list.count) return { activations: await ctx.activations.count(ns, query) };
    return await ctx.activations.list(ns, {
      ...query,
      limit: list.limit,
      skip: list.skip,
      docs: bool(req.query, 'docs'),
    });
  });

  const record = (req: Req) => ctx.activations.get(own(req, `/${req.params.id}`), req.params.id);

  app.get<Route>(`${base}/:id`, auth, async (req) => await record(req));
  app.get<Route>(`${base}/:id/result`, auth, async (req) => (await record(req)).response);
  app.get<Route>(`${base}/:id/logs`, auth, async (req) => ({ logs: (await record(req)).logs }));
}
