#!/usr/bin/env node
// The `healthbank` command. Built, it runs dist/bin.js; in a fresh clone (after `npm ci`, before any
// build) it runs the TypeScript sources through tsx, so that `npx healthbank` works at once.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/bin.js', import.meta.url);
if (existsSync(fileURLToPath(dist))) {
  await import(dist.href);
} else {
  const source = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
  const child = spawnSync(
    process.execPath,
    ['--conditions=@healthbank/source', '--import', 'tsx', source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exitCode = child.status ?? 1;
}
