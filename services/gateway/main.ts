/** Process entry: `node bin/run-ts.js services/gateway/main.ts gateway.json`. */
import { loadGatewayConfig } from './config.ts';
import { startGateway } from './gateway.ts';

const path = process.argv[2];
if (!path) {
  console.error('usage: gateway/main.ts CONFIG.json (the gateway configuration file)');
  process.exit(2);
}
try {
  const gateway = await startGateway(await loadGatewayConfig(path));
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (err) {
  console.error(`gateway: ${(err as Error).message}`);
  process.exit(1);
}
