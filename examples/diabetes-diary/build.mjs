/**
 * Builds the diabetes diary into dist/: the app bundled by esbuild with the static files beside it.
 * Run from anywhere: `node examples/diabetes-diary/build.mjs [--size]`.
 *
 * The app imports `@healthbank/sdk` like any app would, and gets the SDK's browser build (the
 * single file apps embed, `packages/sdk/dist/browser/healthbank-sdk.min.js`), made first when it
 * is missing or older than the SDK's or the records' sources.
 */
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ensureSdkBrowserBuild, sdkFromBrowserBuild } from '../common/build-kit.mjs';

const root = import.meta.dirname;
const dist = join(root, 'dist');
ensureSdkBrowserBuild();

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
cpSync(join(root, 'public'), dist, { recursive: true });

await build({
  entryPoints: [join(root, 'src/main.ts')],
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

// The diary's backend (the deletion webhook receiver), for the sandbox to load: Node, with the
// SDK's server-side helpers (`@healthbank/sdk/webhooks`) bundled from their sources.
await build({
  entryPoints: [join(root, 'src/backend/index.ts')],
  outfile: join(dist, 'backend.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: ['node20'],
  conditions: ['@healthbank/source'],
  legalComments: 'none',
  logLevel: 'warning',
});

if (process.argv.includes('--size')) {
  const bytes = readFileSync(join(dist, 'app.js'));
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.error(
    `diabetes-diary app.js: ${kib(bytes.length)} minified, ${kib(gzipSync(bytes, { level: 9 }).length)} gzipped`,
  );
}
