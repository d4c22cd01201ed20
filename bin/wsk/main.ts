/** Entry point of `bin/wsk.js`. */
import { runWsk } from './cli.ts';

process.exitCode = await runWsk(process.argv.slice(2));
