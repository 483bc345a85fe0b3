/**
 * Runs every benchmark in this folder (`bench/*.ts` except this file), one process each, in
 * name order; each prints its own table and writes `bench/results/<name>.json`.
 *
 *   npm run bench
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
  .sort();

const outcomes: [string, string][] = [];
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const started = performance.now();
  const { status, signal } = spawnSync(
    process.execPath,
    ['--conditions=@healthbank/source', '--import', 'tsx', join(here, file)],
    {
      stdio: 'inherit',
    },
  );
  const seconds = Math.round((performance.now() - started) / 1000);
  outcomes.push([file, status === 0 ? `ok (${seconds} s)` : `FAILED (${signal ?? `exit ${status}`}, ${seconds} s)`]);
}

console.log('\n=== benchmarks ===');
for (const [file, outcome] of outcomes) console.log(`${file.padEnd(24)} ${outcome}`);
if (outcomes.some(([, o]) => o.startsWith('FAILED'))) process.exitCode = 1;
