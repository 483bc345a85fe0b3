/**
 * What the examples' builds share: the SDK's browser build (made first when it is missing or older
 * than the SDK's or the records' sources), and the esbuild plugin that gives `@healthbank/sdk` to
 * browser bundles as that single file, the way an app embeds it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '../..');
export const SDK_BROWSER_BUILD = join(repo, 'packages/sdk/dist/browser/healthbank-sdk.min.js');

/** The newest modification time of the files under `dir`. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/** Builds the SDK for browsers unless its build is newer than every source it comes from. */
export function ensureSdkBrowserBuild() {
  const sources = Math.max(newest(join(repo, 'packages/sdk/src')), newest(join(repo, 'packages/records/src')));
  if (!existsSync(SDK_BROWSER_BUILD) || statSync(SDK_BROWSER_BUILD).mtimeMs < sources) {
    execFileSync(process.execPath, [join(repo, 'packages/sdk/scripts/build-browser.mjs')], { stdio: 'inherit' });
  }
}

/** `@healthbank/sdk` → the SDK's browser build. */
export const sdkFromBrowserBuild = {
  name: 'sdk-browser-build',
  setup(b) {
    b.onResolve({ filter: /^@healthbank\/sdk$/ }, () => ({ path: SDK_BROWSER_BUILD }));
  },
};
