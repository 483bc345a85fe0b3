/** The tele-consultation backend as a process: `node examples/teleconsult/dist/server.mjs` (env in common/src/launch.ts). */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { launch } from '../../../common/src/launch.js';
import { buildTeleconsult } from './app.js';
import { TELECONSULT_SANDBOX_KEY } from './sandbox-key.js';
import { openDatabase } from './store.js';

await launch(
  {
    name: 'teleconsult',
    defaultPort: 3002,
    sandboxKey: { ...TELECONSULT_SANDBOX_KEY },
    staff: [{ email: 'educator@teleconsult.example', role: 'educator', name: '衛教師 林美惠' }],
    openDatabase: (file) => {
      mkdirSync(dirname(file), { recursive: true });
      return openDatabase(file);
    },
    build: (o) => buildTeleconsult(o),
  },
  process.env,
  // The built web app sits beside this file in dist/.
  resolve(import.meta.dirname),
);
