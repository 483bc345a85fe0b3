/**
 * Prints the population's utilisation statistics next to Taiwan's published figures.
 * Usage: node --conditions=@healthbank/source --import tsx packages/synth/scripts/measure-utilisation.ts [citizens] [seed]
 */
import { generatePopulation } from '../src/index.js';
import { AGE_BANDS, measurePopulation } from '../src/statistics.js';

const citizens = Number(process.argv[2] ?? 5_000);
const seed = process.argv[3] ?? 'utilisation-test';
const asOf = '2025-06-30';

const started = performance.now();
const s = measurePopulation(generatePopulation({ citizens, seed, asOf, personas: false }), asOf);
const seconds = (performance.now() - started) / 1000;
const f2 = (x: number) => x.toFixed(2);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const o = s.overall;
console.log(
  `${citizens} citizens, ${s.records} records (${(s.records / citizens).toFixed(1)} per citizen, heaviest ${s.heaviest}), generated and measured in ${seconds.toFixed(1)} s`,
);
console.log(`person-years ${o.personYears.toFixed(0)}`);
console.log(
  `visits per person-year: all ${f2(o.western + o.tcm + o.dental)}, western ${f2(o.western)} (emergency ${f2(o.emergency)}), TCM ${f2(o.tcm)}, dental ${f2(o.dental)}; admissions ${f2(o.admissions)}; pharmacy dispensings ${f2(o.pharmacy)}`,
);
for (const sex of ['male', 'female'] as const) {
  for (const band of AGE_BANDS) {
    const r = s.bySexAndBand[sex][band];
    console.log(
      `  ${sex.padEnd(6)} ${band.padEnd(5)} western ${f2(r.western)} emergency ${f2(r.emergency)} TCM ${f2(r.tcm)} dental ${f2(r.dental)} admissions ${f2(r.admissions)} (${r.personYears.toFixed(0)} py)`,
    );
  }
}
console.log(
  `weekday share (Sun…Sat): ${s.weekdayShare.map(pct).join(' ')}; emergency on Sundays ${pct(s.emergencySundayShare)}`,
);
console.log(
  `outpatient drug orders ${s.drugOrders.total}: over 30 days ${pct(s.drugOrders.over30Days / s.drugOrders.total)}, 56 or 84 days ${pct(s.drugOrders.days56or84 / s.drugOrders.total)}`,
);
console.log(
  `men at 婦產科 clinics ${s.menAtObstetrics}; 骨科 clinic visits ${s.orthopaedics.visits}, non-musculoskeletal main diagnosis ${s.orthopaedics.offTopic}`,
);
console.log(`cervical smears at: ${JSON.stringify(s.papSmearsAt)}`);
console.log(`adults with gout ${pct(s.adultGout)}`);
console.log(
  `HbA1c of diabetics (${s.hba1c.values}): p10 ${s.hba1c.p10} p50 ${s.hba1c.p50} p90 ${s.hba1c.p90}; <7 ${pct(s.hba1c.below7)}, ≥8 ${pct(s.hba1c.atLeast8)}`,
);
console.log(
  `herbal g/day: ${s.herbGramsPerDay.length} distinct values, ${s.herbGramsPerDay.slice(0, 12).join(' ')}${s.herbGramsPerDay.length > 12 ? ' …' : ''}`,
);
console.log(`NHI drug codes used ${s.drugCodes.used}, unverified ${s.drugCodes.unverified}`);
