/** Invoker process: `node bin/run-ts.js services/invoker/main.ts CONFIG.json`. */
import { createLogger } from '../common/log.ts';
import { loadInvokerConfig } from './config.ts';
import { startInvoker } from './invoker.ts';

const path = process.argv[2];
if (!path) {
  console.error('usage: node bin/run-ts.js services/invoker/main.ts INVOKER_CONFIG.json');
  process.exit(2);
}
const config = loadInvokerConfig(path);
const logger = createLogger('invoker').child({ invoker: config.id });
const invoker = await startInvoker(config, { logger });

const shutdown = (signal: string) => {
  logger.info({ signal }, 'shutting down');
  invoker.close().then(
    () => process.exit(0),
    (err: Error) => {
      logger.error({ err: err.message }, 'unclean shutdown');
      process.exit(1);
    },
  );
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
