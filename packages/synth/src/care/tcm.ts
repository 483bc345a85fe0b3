/**
 * Traditional Chinese medicine: about a quarter of people use it, in episodes of a few weekly
 * visits for pain, menstrual and menopausal complaints, allergies, sleep, digestion or fatigue;
 * herbal concentrates, usually for a week, at a daily dose the doctor divides between a main
 * formula and what is added to it; acupuncture or tui na for pain and sprains.
 */
import { herb, type Order } from '@healthbank/records';
import { type Chart, feeOrder, herbOrder } from '../chart.js';
import { dayOfYmd, yearOf } from '../days.js';
import { ageAt, type Profile } from '../profile.js';
import { type Rng, WeightedTable } from '../rng.js';
import { openDay } from '../schedule.js';

interface Complaint {
  readonly code: string;
  readonly weight: number;
  readonly herbs: readonly string[];
  /** Acupuncture (D01), tui na (E01) or neither. */
  readonly treatment?: 'acupuncture' | 'tuina';
  readonly sex?: 'female';
  readonly minAge?: number;
}

const COMPLAINTS: readonly Complaint[] = [
  { code: 'M54.50', weight: 10, herbs: ['A011287', 'A011385', 'A033814'], treatment: 'acupuncture', minAge: 18 },
  { code: 'M54.2', weight: 8, herbs: ['A011376', 'A011385', 'A033816'], treatment: 'acupuncture', minAge: 18 },
  { code: 'S93.401A', weight: 4, herbs: ['A011385', 'A032034'], treatment: 'tuina' },
  { code: 'M75.01', weight: 3, herbs: ['A011385', 'A011376'], treatment: 'acupuncture', minAge: 35 },
  { code: 'N94.6', weight: 5, herbs: ['A012092', 'A011388', 'A032034'], sex: 'female', minAge: 13 },
  { code: 'N95.1', weight: 5, herbs: ['A011392', 'A011374', 'A011383'], sex: 'female', minAge: 45 },
  { code: 'N92.6', weight: 3, herbs: ['A011392', 'A012092', 'A011394'], sex: 'female', minAge: 13 },
  { code: 'J30.9', weight: 7, herbs: ['A011595', 'A013951', 'A011393'] },
  { code: 'J06.9', weight: 5, herbs: ['A011587', 'A011393', 'A043907'] },
  { code: 'R05.9', weight: 4, herbs: ['A011539', 'A043907', 'A011393'] },
  { code: 'G47.00', weight: 5, herbs: ['A011534', 'A011383', 'A011394'], minAge: 18 },
  { code: 'K30', weight: 5, herbs: ['A011639', 'A011391', 'A012105'] },
  { code: 'K59.00', weight: 2, herbs: ['A011639', 'A012105'] },
  { code: 'R53.83', weight: 5, herbs: ['A011382', 'A011394', 'A031916'], minAge: 18 },
  { code: 'L20.9', weight: 2, herbs: ['A011511', 'A011359'] },
  { code: 'L70.0', weight: 2, herbs: ['A011511', 'A011359'], minAge: 12 },
  { code: 'R51.9', weight: 2, herbs: ['A012717', 'A033819'], treatment: 'acupuncture' },
  { code: 'K12.0', weight: 1, herbs: ['A011359', 'A011374'] },
  { code: 'M17.0', weight: 3, herbs: ['A011287', 'A011288', 'A032289'], treatment: 'acupuncture', minAge: 50 },
];

const table = new WeightedTable(
  COMPLAINTS,
  COMPLAINTS.map((c) => c.weight),
);

export function tcmCare(chart: Chart, profile: Profile, rng: Rng): void {
  if (!profile.usesTcm) return;
  const site = profile.places.tcm;
  if (site.level !== 'tcm_clinic') return;
  for (let year = yearOf(profile.start); year <= yearOf(profile.end); year++) {
    const from = Math.max(profile.start, dayOfYmd(year, 1, 1));
    const to = Math.min(profile.end, dayOfYmd(year, 12, 31));
    if (to < from) continue;
    const episodes = rng.poisson((TCM_EPISODES * profile.engagement * (to - from + 1)) / 365);
    for (let e = 0; e < episodes; e++) {
      const start = rng.int(from, to);
      const age = ageAt(profile, start);
      let complaint = table.draw(rng);
      for (let tries = 0; tries < 4 && !fits(complaint, profile, age); tries++) complaint = table.draw(rng);
      if (!fits(complaint, profile, age)) continue;
      const visits = rng.int(1, 5);
      for (let v = 0, planned = start; v < visits && planned <= profile.end; v++) {
        const day = openDay(site, planned, profile, rng);
        if (day > profile.end) break;
        tcmVisit(chart, profile, rng, day, complaint);
        planned = day + rng.int(6, 10);
      }
    }
  }
}

function fits(c: Complaint, profile: Profile, age: number): boolean {
  return (c.sex === undefined || c.sex === profile.sex) && age >= (c.minAge ?? 0);
}

/** Episodes a year for a TCM user, set to meet the published TCM visit rate. */
const TCM_EPISODES = 1.9;

/** Total daily grams of concentrate a prescription gives, as doctors commonly write them. */
const DAILY_TOTALS = [6, 7.5, 9, 9, 10.5, 12, 12, 13.5, 15, 18];

/**
 * Grams a day of each preparation: the main formula takes half to two-thirds of the day's total
 * and the rest is shared; single herbs stay within their usual dose. Rounded to half a gram.
 */
function dailyGrams(rng: Rng, codes: readonly string[]): number[] {
  const total = rng.pick(DAILY_TOTALS) * (rng.chance(0.2) ? 0.5 : 1);
  const half = (x: number) => Math.max(0.5, Math.round(x * 2) / 2);
  if (codes.length === 1) return [half(Math.min(total, herb(codes[0] as string).gramsPerDay * 1.5))];
  const main = total * rng.uniform(0.5, 0.67);
  const rest = (total - main) / (codes.length - 1);
  return codes.map((code, i) => half(Math.min(i === 0 ? main : rest, herb(code).gramsPerDay)));
}

function tcmVisit(chart: Chart, profile: Profile, rng: Rng, day: number, complaint: Complaint): void {
  const x = rng.next();
  const days = x < 0.1 ? 3 : x < 0.22 ? 5 : x < 0.86 ? 7 : 14;
  const herbs = rng.int(1, Math.min(3, complaint.herbs.length));
  const chosen = complaint.herbs.slice(0, herbs);
  const grams = dailyGrams(rng, chosen);
  const orders: Order[] = [feeOrder(rng.pick(['A01', 'A01', 'A03', 'A02']))];
  for (let i = 0; i < chosen.length; i++) orders.push(herbOrder(chosen[i] as string, days, grams[i]));
  orders.push(feeOrder('A21', days), feeOrder(rng.chance(0.7) ? 'A31' : 'A32'));
  const procedures: string[] = [];
  if (complaint.treatment === 'acupuncture' && rng.chance(0.7)) {
    orders.push(feeOrder(rng.chance(0.8) ? 'D01' : 'D03'));
    procedures.push('8E0H30Z');
    if (rng.chance(0.2)) orders.push(feeOrder('CH01'));
  } else if (complaint.treatment === 'tuina') {
    orders.push(feeOrder(rng.chance(0.5) ? 'E01' : 'F01'));
  }
  chart.visit('tcm', day, profile.places.tcm, [complaint.code], orders, {
    copay: profile.remote ? 40 : 50,
    procedures,
  });
}
