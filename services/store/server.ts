/**
 * The embedded CouchDB-compatible server: express-pouchdb over LevelDB, bound to one address, with
 * its data, config (`/_config` backing file) and log inside a state directory. Databases are
 * admin-only (CouchDB 3's default), so the services' credentials are the only way in.
 */
import { timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve, sep } from 'node:path';

export interface CouchServerConfig {
  host: string;
  port: number;
  /** LevelDB files, one folder per database. */
  dataDir: string;
  /** Where the `/_config` file and the request log live; defaults to dataDir. */
  stateDir?: string;
  adminUser: string;
  adminPassword: string;
}

export interface CouchServer {
  url: string;
  close(): Promise<void>;
}

type Next = (err?: unknown) => void;
type Handler = (req: IncomingMessage, res: ServerResponse, next: Next) => void;
interface ExpressApp extends Handler {
  use(handler: Handler): void;
  listen(port: number, host: string, cb: () => void): Server;
}
interface CouchConfig {
  set(section: string, key: string, value: string, cb: (err: Error | null) => void): void;
  get(section: string, key: string): unknown;
}
interface PouchApp extends Handler {
  couchConfig: CouchConfig;
  setPouchDB(pouch: unknown): Promise<void>;
}
interface PouchConstructor {
  plugin(p: unknown): PouchConstructor;
  defaults(opts: Record<string, unknown>): PouchConstructor;
}

const require = createRequire(import.meta.url);

/** Paths anyone may read, as on CouchDB: the welcome document, health and session probes. */
const OPEN_PATHS = new Set(['/', '/_up', '/_session']);

export async function startCouchServer(config: CouchServerConfig): Promise<CouchServer> {
  const dataDir = resolve(config.dataDir);
  const stateDir = resolve(config.stateDir ?? config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });

  const express = require('express') as () => ExpressApp;
  const expressPouchDB = require('express-pouchdb') as (opts: Record<string, unknown>) => PouchApp;
  const PouchDB = (require('pouchdb-core') as PouchConstructor)
    .plugin(require('pouchdb-adapter-http'))
    .plugin(require('pouchdb-replication'))
    .plugin(require('pouchdb-mapreduce'))
    .plugin(require('pouchdb-adapter-leveldb'));

  const pouchApp = expressPouchDB({
    mode: 'fullCouchDB',
    configPath: join(stateDir, 'config.json'),
    logPath: join(stateDir, 'log.txt'),
    // Per-request costs the platform does not use (measured on _bulk_docs of activation records,
    // bench/platform.ts): a request log line (~0.9 ms CPU a request), gzip negotiation, disk-size
    // bookkeeping, and validate_doc_update checks (~80 µs a document; no OpenWhisk design document
    // has one, and only admins reach this server). _users keeps its validation (pouchdb-auth).
    overrideMode: { exclude: ['routes/http-log', 'compression', 'disk-size', 'validation'] },
  });
  await pouchApp.setPouchDB(PouchDB.defaults({ prefix: dataDir + sep }));
  // Same effect as CouchDB's `PUT /_config/admins/<user>`: stored hashed in the config file.
  await new Promise<void>((done, fail) =>
    pouchApp.couchConfig.set('admins', config.adminUser, config.adminPassword, (err) =>
      err ? fail(err) : done(),
    ),
  );

  const app = express();
  app.use(requireAdmin(config.adminUser, config.adminPassword));
  app.use(requestStats());
  app.use(pouchApp);
  const server = await new Promise<Server>((done, fail) => {
    const srv = app.listen(config.port, config.host, () => done(srv));
    srv.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        new Error(
          `embedded CouchDB could not listen on ${config.host}:${config.port}: ${err.message}` +
            (err.code === 'EADDRINUSE'
              ? ' (port in use: stop the other process or choose another port)'
              : ''),
        ),
      ),
    );
  });
  server.keepAliveTimeout = 65_000;
  await ensureUsersDb(`http://${config.host}:${config.port}`, config.adminUser, config.adminPassword);
  return {
    url: `http://${config.host}:${config.port}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/**
 * Rejects everything but the open paths unless the request carries the admin's Basic credentials.
 * Besides matching CouchDB 3's defaults, this keeps anonymous writes away from express-pouchdb,
 * which crashes on an unauthorised database creation.
 */
function requireAdmin(user: string, password: string): Handler {
  const expected = Buffer.from(`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`);
  return (req, res, next) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (OPEN_PATHS.has(path) || path.startsWith('/_utils')) return next();
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    res.statusCode = 401;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('WWW-Authenticate', 'Basic realm="server"');
    res.end(JSON.stringify({ error: 'unauthorized', reason: 'Name or password is incorrect.' }));
  };
}

const STATS_PATH = '/_node/_local/_stats/couchdb/httpd_request_methods';

/**
 * CouchDB's request counters by HTTP method (`GET /_node/_local/_stats/couchdb/httpd_request_methods`,
 * same shape as CouchDB 3), which pouchdb-server lacks: how benchmarks check that the warm invoke
 * path reads nothing from the store.
 */
function requestStats(): Handler {
  const counts = new Map<string, number>();
  return (req, res, next) => {
    const method = req.method ?? 'GET';
    if (method === 'GET' && (req.url ?? '').split('?')[0] === STATS_PATH) {
      const body: Record<string, { value: number; type: 'counter'; desc: string }> = {};
      for (const [m, value] of counts) {
        body[m] = { value, type: 'counter', desc: `number of HTTP ${m} requests` };
      }
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(body));
      return;
    }
    counts.set(method, (counts.get(method) ?? 0) + 1);
    next();
  };
}

async function ensureUsersDb(url: string, user: string, password: string): Promise<void> {
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const res = await fetch(`${url}/_users`, { method: 'PUT', headers: { authorization: auth } });
  // 412: it already exists.
  if (!res.ok && res.status !== 412) {
    throw new Error(
      `embedded CouchDB at ${url}: creating _users failed with HTTP ${res.status}: ${await res.text()}`,
    );
  }
}
