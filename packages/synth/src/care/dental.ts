/**
 * Dentistry: six-monthly scaling for regular attenders, fillings for caries, now and then a root
 * canal treatment over three visits or an extraction (more of these with age), periodontal
 * treatment for adults with periodontitis.
 */
import type { Order } from '@healthbank/records';
import { type Chart, drugOrder, feeOrder } from '../chart.js';
import { ageAt, hasOn, type Profile } from '../profile.js';
import type { Rng } from '../rng.js';
import { openDay } from '../schedule.js';

const FILLINGS = ['89001C', '89002C', '89004C', '89005C', '89008C', '89008C', '89009C', '89011C', '89013C'];
const CARIES = ['K02.51', 'K02.52', 'K02.61', 'K02.62', 'K02.52'];

function consultation(profile: Profile, rng: Rng): string {
  if (profile.remote) return rng.chance(0.6) ? '00125C' : '00126C';
  return rng.chance(0.7) ? '00121C' : '00123C';
}

export function dentalCare(chart: Chart, profile: Profile, rng: Rng): void {
  if (!profile.usesDental) return;
  const site = profile.places.dental;
  /** Books a visit on a day the clinic is open; returns that day. */
  const visit = (planned: number, dx: readonly string[], orders: Order[], procedures: readonly string[] = []) => {
    const day = openDay(site, planned, profile, rng);
    if (day > profile.end) return day;
    chart.visit('dental', day, site, dx, [feeOrder(consultation(profile, rng)), ...orders], {
      copay: profile.remote ? 40 : 50,
      procedures,
    });
    return day;
  };
  const periodontitis = profile.index % 10 < 3 && ageAt(profile, profile.end) >= 35;
  // Scaling every six months for regular attenders aged 13 and over.
  let day = profile.start + rng.int(0, 180);
  for (; day <= profile.end; day += rng.int(170, 230)) {
    const age = ageAt(profile, day);
    if (age < 13 || !rng.chance(0.65 * profile.engagement)) continue;
    const diabetic = hasOn(profile, 'diabetes', day);
    const dx = periodontitis ? ['K05.321', 'K05.10'] : [rng.chance(0.6) ? 'K05.10' : 'Z01.21'];
    visit(day, dx, [feeOrder(diabetic ? '91089C' : '91004C')], ['0CCWXZ2', '0CCXXZ2']);
  }
  if (periodontitis) {
    const day2 = Math.max(profile.start, profile.end - rng.int(200, 3000));
    visit(day2, ['K05.322'], [feeOrder('91006C')]);
  }
  // Caries, pulp disease and extractions.
  const years = (profile.end - profile.start) / 365.25;
  const age = ageAt(profile, profile.end);
  const fillings = rng.poisson(years * (age < 13 ? 1.4 : 0.75));
  for (let i = 0; i < fillings; i++) {
    const d = rng.int(profile.start, profile.end);
    if (ageAt(profile, d) < 2) continue;
    const upper = rng.chance(0.5);
    visit(d, [rng.pick(CARIES)], [feeOrder(rng.pick(FILLINGS))], [upper ? '0CQWXZ0' : '0CQXXZ0']);
  }
  const rootCanals = rng.poisson(years * 0.08);
  for (let i = 0; i < rootCanals; i++) {
    let d = rng.int(profile.start, profile.end);
    if (ageAt(profile, d) < 12) continue;
    const upper = rng.chance(0.5);
    const canal = rng.pick(['90001C', '90002C', '90003C']);
    for (const [step, code] of [
      ['K04.02', '90015C'],
      ['K04.1', canal],
      ['K04.5', canal],
    ] as const) {
      if (d > profile.end) break;
      const orders = [feeOrder(code)];
      if (step === 'K04.02') orders.push(feeOrder('34001C'), drugOrder('AC120511G0', 3), drugOrder('A000076100', 3));
      d = visit(d, [step], orders, [upper ? '0C9WXZZ' : '0C9XXZZ']) + rng.int(7, 14);
    }
  }
  const extractions = rng.poisson(years * (age >= 60 ? 0.2 : 0.05));
  for (let i = 0; i < extractions; i++) {
    const d = rng.int(profile.start, profile.end);
    const a = ageAt(profile, d);
    if (a < 6) continue;
    const impacted = a >= 16 && a < 40 && rng.chance(0.6);
    const orders = [
      feeOrder(impacted ? '92015C' : rng.chance(0.8) ? '92013C' : '92014C'),
      feeOrder('34001C'),
      drugOrder('AC120511G0', 3),
      drugOrder('AC19420100', 3),
    ];
    visit(d, [impacted ? 'K01.1' : a >= 50 ? 'K05.323' : 'K04.7'], orders, [rng.chance(0.5) ? '0CDWXZ0' : '0CDXXZ0']);
  }
}
