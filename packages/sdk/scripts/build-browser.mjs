/**
 * Builds the SDK for browsers: one minified ES module, `dist/browser/healthbank-sdk.min.js`, with
 * jose's and oauth4webapi's browser builds inside. Fails on any Node-only import (the SDK must run
 * in browsers and mobile runtimes), then prints the minified and gzipped sizes and writes them to
 * `dist/browser/size.json`.
 *
 *   npm run -w @healthbank/sdk build:browser
 *   node packages/sdk/scripts/build-browser.mjs [--outdir DIR] [--entry FILE] [--report]
 *
 * `--entry` and `--outdir` exist for the build's own test; `--report` lists the largest inputs.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { outdir: { type: 'string' }, entry: { type: 'string' }, report: { type: 'boolean' } },
});
const outdir = resolve(args.outdir ?? join(root, 'dist', 'browser'));
const outfile = join(outdir, 'healthbank-sdk.min.js');
const nodeOnly = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Turns a Node built-in import into a build error that names the importer. */
const refuseNodeImports = {
  name: 'refuse-node-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (!nodeOnly.has(args.path) && !args.path.startsWith('node:')) return undefined;
      return {
        errors: [{ text: `Node-only import "${args.path}" in ${args.importer}: the SDK must run in browsers` }],
      };
    });
  },
};

const result = await build({
  entryPoints: [resolve(args.entry ?? join(root, 'src', 'index.ts'))],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome111', 'firefox111', 'safari16.4'],
  // Workspace packages resolve to their TypeScript sources, as everywhere else in the repository.
  conditions: ['@healthbank/source', 'browser'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
  plugins: [refuseNodeImports],
});

const bytes = await readFile(outfile);
const size = {
  file: 'healthbank-sdk.min.js',
  minifiedBytes: bytes.length,
  gzippedBytes: gzipSync(bytes, { level: 9 }).length,
};
await mkdir(outdir, { recursive: true });
await writeFile(join(outdir, 'size.json'), `${JSON.stringify(size, null, 2)}\n`);
if (args.report) {
  const inputs = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.inputs ?? {};
  const largest = Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
  for (const [path, { bytesInOutput }] of largest.slice(0, 25)) console.error(String(bytesInOutput).padStart(8), path);
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.error(`healthbank-sdk.min.js: ${kib(size.minifiedBytes)} minified, ${kib(size.gzippedBytes)} gzipped`);
