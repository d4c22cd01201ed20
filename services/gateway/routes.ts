/**
 * Which paths the gateway serves. The OpenWhisk edge paths (`/`, `/ping`, `/api/v1/…`) pass through
 * unchanged; optional API routes (what `wsk api create` publishes, upstream's API gateway) map
 * `/api{basePath}{relPath}` to a web action. The routes file is re-read when it changes.
 */
import { readFileSync, type StatWatcher, unwatchFile, watchFile } from 'node:fs';
import { z } from 'zod';
import type { Logger } from '../common/log.ts';

const routeSchema = z.object({
  basePath: z.string().regex(/^\/[\w.~-]+(\/[\w.~-]+)*$/),
  relPath: z.string().regex(/^\/[\w.~/-]*$/),
  operation: z.string().transform((s) => s.toUpperCase()),
  /** Fully qualified action: `/ns/name` or `/ns/pkg/name`. */
  action: z.string().regex(/^\/[^/]+(\/[^/]+){1,2}$/),
  responseType: z.enum(['json', 'http', 'html', 'text', 'svg']).default('json'),
});
const fileSchema = z.union([z.array(routeSchema), z.object({ routes: z.array(routeSchema) })]);

export type ApiRoute = z.output<typeof routeSchema>;

function isEdgePath(path: string): boolean {
  return path === '/' || path === '/ping' || path === '/api/v1' || path.startsWith('/api/v1/');
}

/** The controller path of a web action, e.g. `/api/v1/web/guest/default/hello.json`. */
export function webActionPath(route: ApiRoute): string {
  const parts = route.action.split('/').slice(1);
  const [ns, pkg, name] = parts.length === 3 ? parts : [parts[0], 'default', parts[1]];
  return `/api/v1/web/${ns}/${pkg}/${name}.${route.responseType}`;
}

export function parseRoutes(text: string, where: string): ApiRoute[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`The routes file ${where} is not valid JSON: ${(err as Error).message}.`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`Invalid routes in ${where}: ${problems}.`);
  }
  const routes = Array.isArray(parsed.data) ? parsed.data : parsed.data.routes;
  const clash = routes.find((r) => r.basePath === '/v1' || r.basePath.startsWith('/v1/'));
  if (clash)
    throw new Error(
      `Route basePath ${clash.basePath} in ${where} collides with the OpenWhisk API (/api/v1).`,
    );
  return routes;
}

/** Route table entries: `METHOD /basePath/relPath` → web action path. */
function routeTable(routes: ApiRoute[]): Map<string, string> {
  const table = new Map<string, string>();
  for (const r of routes) {
    const rel = r.relPath === '/' ? '' : r.relPath.replace(/\/$/, '');
    table.set(`${r.operation} ${r.basePath}${rel}`, webActionPath(r));
  }
  return table;
}

/** Routes `wsk api` stored through the controllers, fetched (as routes-file JSON) every `intervalMs`. */
export interface RemoteRoutes {
  fetch: () => Promise<string>;
  intervalMs: number;
}

export class Router {
  private routes = new Map<string, string>();
  private remoteRoutes = new Map<string, string>();
  private watcher: StatWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly file?: string,
    remote?: RemoteRoutes,
  ) {
    if (file) {
      this.load();
      this.watcher = watchFile(file, { interval: 1000, persistent: false }, () => this.reload());
    }
    if (remote) {
      const poll = () => void this.refresh(remote);
      poll();
      this.poller = setInterval(poll, remote.intervalMs);
      this.poller.unref();
    }
  }

  /** Resolves once the controllers' routes were fetched (or the fetch failed). */
  async refresh(remote: RemoteRoutes): Promise<void> {
    try {
      this.remoteRoutes = routeTable(parseRoutes(await remote.fetch(), "the controllers' API routes"));
    } catch (err) {
      // Keep the last good routes; the next poll retries.
      this.log.warn({ err: (err as Error).message }, 'API routes from the controllers not refreshed');
    }
  }

  /** The controller path for a request path (query kept), or undefined when not served. */
  resolve = (url: string, method: string): string | undefined => {
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (isEdgePath(path)) return url;
    if ((this.routes.size === 0 && this.remoteRoutes.size === 0) || !path.startsWith('/api/'))
      return undefined;
    const key = `${method} ${path.slice(4)}`;
    const target = this.routes.get(key) ?? this.remoteRoutes.get(key);
    return target === undefined ? undefined : target + (q === -1 ? '' : url.slice(q));
  };

  close(): void {
    if (this.file && this.watcher) unwatchFile(this.file);
    clearInterval(this.poller);
  }

  private load(): void {
    const file = this.file!;
    const next = routeTable(parseRoutes(readFileSync(file, 'utf8'), file));
    this.routes = next;
    this.log.info({ routesFile: file, routes: next.size }, 'API routes loaded');
  }

  private reload(): void {
    try {
      this.load();
    } catch (err) {
      // Keep serving the last good routes; the operator sees why the new file was refused.
      this.log.error({ routesFile: this.file, err: (err as Error).message }, 'routes file rejected');
    }
  }
}
