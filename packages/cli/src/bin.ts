#!/usr/bin/env node
import { processIo } from './io.js';
import { run } from './program.js';

// A reader that stops early (`healthbank records … | head`) closes the pipe: that is the reader's
// choice, not a failure, so end quietly as Unix tools do instead of dying on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

let stopServer: (() => Promise<void>) | undefined;
const code = await run(process.argv.slice(2), processIo, (stop) => {
  stopServer = stop;
});
if (stopServer) {
  const stop = stopServer;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stop().then(() => process.exit(0));
    });
  }
} else {
  process.exitCode = code;
}
