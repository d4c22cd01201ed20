/**
 * What the CouchDB modules share: a nano client for a URL (credentials given as a Secret are used
 * but never shown) and failure results naming the server (without credentials), database and cause.
 */
import Nano from 'nano';
import type { ModuleContext, ModuleResult } from './module.ts';
import { failed } from './results.ts';
import { type SecretUrl, showUrl, splitCredentials } from './reveal.ts';

export interface CouchTarget {
  /** The CouchDB server, e.g. http://admin:pw@db0:5984 (give it as a Secret: it holds a password). */
  url: SecretUrl;
  db: string;
}

export function couchClient(url: SecretUrl): Nano.ServerScope {
  const { url: bare, authorization } = splitCredentials(url);
  return Nano({ url: bare, headers: authorization ? { authorization } : {} });
}

/** The HTTP status of a nano error (undefined: the server was not reached at all). */
export function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export function couchFailed(
  ctx: ModuleContext,
  target: CouchTarget,
  doing: string,
  err: unknown,
): ModuleResult {
  const server = showUrl(target.url);
  const status = statusOf(err);
  const reason = err instanceof Error ? err.message : String(err);
  const hint =
    status === undefined
      ? `is CouchDB up and reachable from the controller at ${server}?`
      : status === 401 || status === 403
        ? 'check the database credentials (db.username / db.password)'
        : 'see the CouchDB log';
  return failed(
    `${doing} (database ${target.db} on ${server}, task on host ${ctx.host.name}) failed: ${status ? `HTTP ${status} ` : ''}${reason}; ${hint}`,
  );
}

/** Deterministic JSON (sorted keys) so documents compare and diff by content, not key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
