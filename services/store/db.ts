/**
 * Connection to the three CouchDB databases (`{prefix}subjects`, `{prefix}whisks`,
 * `{prefix}activations`) and idempotent installation of their design documents.
 */
import nano, { type DocumentScope, type ServerScope } from 'nano';
import { type DesignDoc, designDocs } from './design.ts';

export interface StoreConfig {
  /** CouchDB base URL with credentials, e.g. http://whisk_admin:pw@127.0.0.1:5984 */
  url: string;
  prefix: string;
}

export type Doc = Record<string, unknown> & { _id: string; _rev?: string };

export interface Store {
  config: StoreConfig;
  server: ServerScope;
  subjects: DocumentScope<Doc>;
  whisks: DocumentScope<Doc>;
  activations: DocumentScope<Doc>;
  names: { subjects: string; whisks: string; activations: string };
}

export function openStore(config: StoreConfig): Store {
  const server = nano({ url: config.url });
  const names = {
    subjects: `${config.prefix}subjects`,
    whisks: `${config.prefix}whisks`,
    activations: `${config.prefix}activations`,
  };
  return {
    config,
    server,
    names,
    subjects: server.use<Doc>(names.subjects),
    whisks: server.use<Doc>(names.whisks),
    activations: server.use<Doc>(names.activations),
  };
}

/** The HTTP status of a failed CouchDB request, or undefined for connection errors. */
export function couchStatus(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Creates the databases if missing and upserts their design documents (what initdb + wipe do). */
export async function ensureDatabases(store: Store): Promise<void> {
  for (const kind of ['subjects', 'whisks', 'activations'] as const) {
    const name = store.names[kind];
    try {
      await store.server.db.create(name);
    } catch (err) {
      if (couchStatus(err) !== 412) {
        throw new Error(
          `creating database ${name} at ${redactUrl(store.config.url)} failed: ${(err as Error).message}`,
        );
      }
    }
    for (const ddoc of designDocs[kind]) await upsertDoc(store[kind], ddoc);
  }
}

/** Writes `doc` unless an equal document is stored; returns whether it wrote. Retries on conflict. */
export async function upsertDoc(db: DocumentScope<Doc>, doc: Doc | DesignDoc): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let current: Doc | undefined;
    try {
      current = await db.get(doc._id);
    } catch (err) {
      if (couchStatus(err) !== 404) throw err;
    }
    if (current) {
      const { _rev, ...stored } = current;
      if (sameJson(stored, doc)) return false;
    }
    try {
      await db.insert({ ...doc, ...(current?._rev ? { _rev: current._rev } : {}) } as Doc);
      return true;
    } catch (err) {
      if (couchStatus(err) !== 409) throw err;
    }
  }
  throw new Error(`upserting ${doc._id} kept conflicting with concurrent writers; retry`);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  }
  return v;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<unparseable url>';
  }
}
