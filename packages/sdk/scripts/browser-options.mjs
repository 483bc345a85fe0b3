/**
 * The esbuild settings of the SDK's browser bundles, shared by the build (build-browser.mjs) and the
 * SDK benchmark (bench/sdk.ts), so that the benchmark measures exactly what apps ship.
 */
import { builtinModules } from 'node:module';

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

/** Bundled, minified ESM for ES2022 browsers (Chrome/Edge 111, Firefox 111, Safari 16.4). */
export const browserBuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome111', 'firefox111', 'safari16.4'],
  // Workspace packages resolve to their TypeScript sources, as everywhere else in the repository.
  conditions: ['@healthbank/source', 'browser'],
  minify: true,
  legalComments: 'eof',
  plugins: [refuseNodeImports],
};
