/**
 * Builds the diabetes diary into dist/: the app bundled by esbuild with the static files beside it.
 * Run from anywhere: `node examples/diabetes-diary/build.mjs [--size]`.
 *
 * The app imports `@healthbank/sdk` like any app would, and gets the SDK's browser build (the
 * single file apps embed, `packages/sdk/dist/browser/healthbank-sdk.min.js`), made first when it
 * is missing or older than the SDK's or the records' sources.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = import.meta.dirname;
const repo = join(root, '../..');
const dist = join(root, 'dist');
const sdkBrowser = join(repo, 'packages/sdk/dist/browser/healthbank-sdk.min.js');

/** The newest modification time of the files under `dir`. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

const sources = Math.max(newest(join(repo, 'packages/sdk/src')), newest(join(repo, 'packages/records/src')));
if (!existsSync(sdkBrowser) || statSync(sdkBrowser).mtimeMs < sources) {
  execFileSync(process.execPath, [join(repo, 'packages/sdk/scripts/build-browser.mjs')], { stdio: 'inherit' });
}

/** `@healthbank/sdk` → the SDK's browser build. */
const sdkFromBrowserBuild = {
  name: 'sdk-browser-build',
  setup(b) {
    b.onResolve({ filter: /^@healthbank\/sdk$/ }, () => ({ path: sdkBrowser }));
  },
};

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
