/** The workplace health backend as a process: `node examples/workplace-health/dist/server.mjs` (env in common/src/launch.ts). */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { launch } from '../../../common/src/launch.js';
import { buildWorkplace } from './app.js';
import { WORKPLACE_SANDBOX_KEY } from './sandbox-key.js';
import { openDatabase } from './store.js';

await launch(
  {
    name: 'workplace-health',
    defaultPort: 3003,
    sandboxKey: { ...WORKPLACE_SANDBOX_KEY },
    staff: [
      { email: 'hr@workplace-health.example', role: 'employer', name: '人資 陳怡君' },
      { email: 'nurse@workplace-health.example', role: 'nurse', name: '職護 王淑芬' },
    ],
    openDatabase: (file) => {
      mkdirSync(dirname(file), { recursive: true });
      return openDatabase(file);
    },
    build: (o) => buildWorkplace(o),
  },
  process.env,
  resolve(import.meta.dirname),
);
