/** Entry point of `bin/wsk.js`. */
import { runWsk } from './cli.ts';

// `wsk … | head` closes the pipe early; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await runWsk(process.argv.slice(2));
