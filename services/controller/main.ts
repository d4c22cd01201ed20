/** `node bin/run-ts.js services/controller/main.ts CONFIG.json` — runs one controller. */
import { createLogger } from '../common/log.ts';
import { loadControllerConfig } from './config.ts';
import { startController } from './controller.ts';

const log = createLogger('controller');
const path = process.argv[2];
if (!path) {
  log.error(
    'usage: services/controller/main.ts CONFIG.json (see services/controller/config.ts for the keys)',
  );
  process.exit(2);
}
try {
  const config = await loadControllerConfig(path);
  const controller = await startController(config, { log: log.child({ controller: config.id }) });
  const stop = (signal: string) => {
    log.info({ signal }, 'stopping controller');
    controller.close().then(
      () => process.exit(0),
      (err: Error) => {
        log.error(`controller did not stop cleanly: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (err) {
  log.error((err as Error).message);
  process.exit(1);
}
