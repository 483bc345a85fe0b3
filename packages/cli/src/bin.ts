#!/usr/bin/env node
import { processIo } from './io.js';
import { run } from './program.js';

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
