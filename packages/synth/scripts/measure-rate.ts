/**
 * Measures how fast the generator produces records on one core (no database, no validation).
 * Usage: node --conditions=@healthbank/source --import tsx packages/synth/scripts/measure-rate.ts [citizens] [seed]
 */
import { generatePopulation } from '../src/index.js';

const citizens = Number(process.argv[2] ?? 20_000);
const seed = process.argv[3] ?? 'measure';
const asOf = '2025-06-30';

// Warm up the JIT and the institution directory before timing.
for (const _ of generatePopulation({ citizens: 500, seed, asOf, personas: false })) {
  // discard
}

const started = performance.now();
let records = 0;
const byCategory = new Map<string, number>();
for (const { records: rs } of generatePopulation({ citizens, seed, asOf, personas: false })) {
  records += rs.length;
  for (const r of rs) byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + 1);
}
const seconds = (performance.now() - started) / 1000;
const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
console.log(`citizens            ${fmt.format(citizens)}`);
console.log(`records             ${fmt.format(records)}`);
console.log(`records per citizen ${fmt.format(records / citizens)}`);
console.log(`seconds             ${fmt.format(seconds)}`);
console.log(`records/s           ${fmt.format(records / seconds)}`);
console.log(`citizens/s          ${fmt.format(citizens / seconds)}`);
for (const [category, n] of [...byCategory].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${category.padEnd(18)} ${fmt.format(n / citizens)} per citizen`);
}
