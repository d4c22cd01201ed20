/**
 * `node bin/run-ts.js services/store/main.ts CONFIG.json` — runs the embedded CouchDB-compatible
 * server. Config: {host, port, dataDir, stateDir?, adminUser, adminPassword}.
 */
import { readFileSync } from 'node:fs';
import { createLogger } from '../common/log.ts';
import { type CouchServerConfig, startCouchServer } from './server.ts';

const log = createLogger('couchdb');
const configPath = process.argv[2];
if (!configPath) {
  log.error(
    'usage: services/store/main.ts CONFIG.json (JSON with host, port, dataDir, adminUser, adminPassword)',
  );
  process.exit(2);
}

let config: CouchServerConfig;
try {
  config = JSON.parse(readFileSync(configPath, 'utf8')) as CouchServerConfig;
} catch (err) {
  log.error(
    `cannot read embedded CouchDB config ${configPath}: ${(err as Error).message}; fix the file and restart`,
  );
  process.exit(2);
}
for (const key of ['host', 'port', 'dataDir', 'adminUser', 'adminPassword'] as const) {
  if (config[key] === undefined || config[key] === '') {
    log.error(`embedded CouchDB config ${configPath} lacks "${key}"; add it and restart`);
    process.exit(2);
  }
}

try {
  const server = await startCouchServer(config);
  log.info({ url: server.url, dataDir: config.dataDir }, 'embedded CouchDB listening');
  const stop = (signal: string) => {
    log.info({ signal }, 'stopping embedded CouchDB');
    server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (err) {
  log.error((err as Error).message);
  process.exit(1);
}
