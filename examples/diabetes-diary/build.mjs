/**
 * Builds the diabetes diary into dist/: the app bundled by esbuild (the SDK from its TypeScript
 * sources through the workspace's `@healthbank/source` condition), and the static files beside it.
 * Run from anywhere: `node examples/diabetes-diary/build.mjs`.
 */
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = import.meta.dirname;
const dist = join(root, 'dist');

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
  conditions: ['@healthbank/source'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const bytes = readFileSync(join(dist, 'app.js'));
if (process.argv.includes('--size')) {
  console.log(`diabetes-diary: app.js ${bytes.length} bytes, ${gzipSync(bytes).length} gzipped`);
}
