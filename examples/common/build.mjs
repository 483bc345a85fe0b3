/**
 * Builds an example app with a backend into `examples/<name>/dist/`: the citizen-side web app
 * (`app.js`, bundled with the SDK's browser build), its styles (the shared base first), the static
 * pages, and the backend process (`server.mjs`, with the SDK and the shared example code bundled
 * from their sources; npm packages such as fastify and better-sqlite3 stay imports).
 *
 *   node examples/common/build.mjs teleconsult workplace-health
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ensureSdkBrowserBuild, sdkFromBrowserBuild } from './build-kit.mjs';

const examples = join(import.meta.dirname, '..');
ensureSdkBrowserBuild();

/** On the server, npm packages stay imports; the SDK and the shared code are bundled. */
const npmPackagesExternal = {
  name: 'npm-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@healthbank/') || args.path.startsWith('node:')
        ? undefined
        : { path: args.path, external: true },
    );
  },
};

for (const name of process.argv.slice(2)) {
  const root = join(examples, name);
  const dist = join(root, 'dist');
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  cpSync(join(root, 'public'), dist, { recursive: true });
  writeFileSync(
    join(dist, 'app.css'),
    readFileSync(join(examples, 'common/public/base.css'), 'utf8') + readFileSync(join(root, 'public/app.css'), 'utf8'),
  );
  await build({
    entryPoints: [join(root, 'src/client/main.ts')],
    outfile: join(dist, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [sdkFromBrowserBuild],
  });
  await build({
    entryPoints: [join(root, 'src/server/main.ts')],
    outfile: join(dist, 'server.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: ['node20'],
    conditions: ['@healthbank/source'],
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [npmPackagesExternal],
  });
}
