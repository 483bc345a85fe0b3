/**
 * Builds the SDK for browsers: one minified ES module per entry point in `dist/browser/`
 * (`healthbank-sdk.min.js` for `@healthbank/sdk`, `healthbank-sdk-fhir.min.js` and
 * `healthbank-sdk-mhb.min.js` for the format readers), with oauth4webapi's browser build inside.
 * Fails on any Node-only import (the SDK must run in browsers and mobile runtimes) and when the main
 * bundle is over its size budget; prints each bundle's minified and gzipped sizes and the largest
 * inputs of the main one, and writes the sizes to `dist/browser/size.json`.
 *
 *   npm run -w @healthbank/sdk build:browser
 *   node packages/sdk/scripts/build-browser.mjs [--outdir DIR] [--entry FILE] [--budget BYTES]
 *
 * `--entry`, `--outdir` and `--budget` exist for the build's own test.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { browserBuildOptions } from './browser-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { outdir: { type: 'string' }, entry: { type: 'string' }, budget: { type: 'string' } },
});
const outdir = resolve(args.outdir ?? join(root, 'dist', 'browser'));

/**
 * The main bundle's budget, gzipped: every partner app pays it on each cold start, often over a slow
 * mobile network (fhirclient, without DPoP, PAR or JWE, is 18.6 KB).
 */
const BUDGET_GZIPPED_BYTES = Number(args.budget ?? 30_000);

const entries = args.entry
  ? [{ name: 'healthbank-sdk.min.js', entry: resolve(args.entry) }]
  : [
      { name: 'healthbank-sdk.min.js', entry: join(root, 'src', 'index.ts') },
      { name: 'healthbank-sdk-fhir.min.js', entry: join(root, 'src', 'fhir.ts') },
      { name: 'healthbank-sdk-mhb.min.js', entry: join(root, 'src', 'mhb.ts') },
    ];
async function bundle({ name, entry }) {
  const outfile = join(outdir, name);
  const result = await build({
    ...browserBuildOptions,
    entryPoints: [entry],
    outfile,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = await readFile(outfile);
  const inputs = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.inputs ?? {};
  return {
    file: name,
    minifiedBytes: bytes.length,
    gzippedBytes: gzipSync(bytes, { level: 9 }).length,
    largest: Object.entries(inputs)
      .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
      .slice(0, 8)
      .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput })),
  };
}

await mkdir(outdir, { recursive: true });
const built = [];
for (const entry of entries) built.push(await bundle(entry));
const [main] = built;
const size = { ...main, budgetGzippedBytes: BUDGET_GZIPPED_BYTES, entries: built };
await writeFile(join(outdir, 'size.json'), `${JSON.stringify(size, null, 2)}\n`);

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const b of built) console.error(`${b.file}: ${kib(b.minifiedBytes)} minified, ${kib(b.gzippedBytes)} gzipped`);
console.error(`largest inputs of ${main.file} (minified bytes):`);
for (const { path, bytes } of main.largest) console.error(`  ${String(bytes).padStart(7)}  ${path}`);
if (main.gzippedBytes > BUDGET_GZIPPED_BYTES) {
  console.error(
    `${main.file} is ${main.gzippedBytes} bytes gzipped, over its budget of ${BUDGET_GZIPPED_BYTES}: see the largest inputs above`,
  );
  process.exit(1);
}
