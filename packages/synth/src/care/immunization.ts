/**
 * Vaccinations: the childhood schedule for children born during the history, yearly influenza
 * vaccination (more often for children and people 65+), the 2021–2023 COVID-19 campaign,
 * pneumococcal vaccines from 65, HPV for girls at school, and zoster for a few older adults.
 */
import { type ImmunizationRecord, vaccine } from '@healthbank/records';
import { type Chart, institution } from '../chart.js';
import { addYears, dayOfYmd, isoOf, yearOf } from '../days.js';
import type { Facility } from '../institutions.js';
import { ageAt, type Profile } from '../profile.js';
import type { Rng } from '../rng.js';
import { openDay } from '../schedule.js';

const codings = new Map<string, ImmunizationRecord['vaccine']>();
function vaccineCoding(cvx: string): ImmunizationRecord['vaccine'] {
  let c = codings.get(cvx);
  if (!c) {
    const v = vaccine(cvx);
    c = { code: v.code, display: v.zh, displayEn: v.en };
    codings.set(cvx, c);
  }
  return c;
}

const LOT_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

function lot(rng: Rng): string {
  return `${LOT_LETTERS[rng.int(0, LOT_LETTERS.length - 1)]}${LOT_LETTERS[rng.int(0, LOT_LETTERS.length - 1)]}${rng.int(1000, 9999)}`;
}

function give(
  chart: Chart,
  profile: Profile,
  rng: Rng,
  day: number,
  cvx: string,
  place: Facility,
  dose?: number,
): void {
  if (day < profile.start || day > profile.end) return;
  // On a day the place gives vaccines; later rather than earlier, never before an age limit.
  const given = openDay(place, day, profile, rng, 'later');
  if (given > profile.end) return;
  const record: ImmunizationRecord = {
    id: chart.nextId(),
    date: isoOf(given),
    category: 'immunization',
    vaccine: vaccineCoding(cvx),
    lot: lot(rng),
    ...(dose === undefined ? {} : { doseNumber: dose }),
    institution: institution(place),
  };
  chart.push(record);
}

/** Routine childhood vaccines: [CVX, age in days, dose number]. */
const CHILDHOOD: readonly (readonly [string, number, number])[] = [
  ['08', 0, 1],
  ['08', 30, 2],
  ['146', 61, 1],
  ['133', 61, 1],
  ['146', 122, 2],
  ['133', 122, 2],
  ['19', 152, 1],
  ['146', 183, 3],
  ['08', 183, 3],
  ['03', 365, 1],
  ['21', 365, 1],
  ['133', 380, 3],
  ['52', 365, 1],
  ['134', 456, 1],
  ['146', 548, 4],
  ['52', 548, 2],
  ['134', 822, 2],
  ['03', 5 * 365 + 60, 2],
  ['130', 5 * 365 + 60, 1],
];

export function immunizations(chart: Chart, profile: Profile, rng: Rng): void {
  const p = profile.places;
  const e = profile.engagement;
  const local = profile.remote ? p.healthStation : p.clinic;
  // Childhood schedule (coverage about 97%); hepatitis A for children born from 2017 on.
  if (profile.birth >= profile.start - 6 * 365) {
    for (const [cvx, ageDays, dose] of CHILDHOOD) {
      if (cvx === '52' && yearOf(profile.birth) < 2017) continue;
      if (rng.chance(0.97))
        give(
          chart,
          profile,
          rng,
          profile.birth + ageDays + rng.int(0, 20),
          cvx,
          rng.chance(0.6) ? local : p.healthStation,
          dose,
        );
    }
  }
  // Seasonal influenza, October to December.
  for (let year = yearOf(profile.start); year <= yearOf(profile.end); year++) {
    const day = dayOfYmd(year, 10, 1) + rng.int(0, 75);
    const age = ageAt(profile, day);
    const base = age < 0.5 ? 0 : age <= 12 ? 0.55 : age < 18 ? 0.45 : age < 50 ? 0.14 : age < 65 ? 0.3 : 0.55;
    if (rng.chance(Math.min(0.95, base * e)))
      give(chart, profile, rng, day, year >= 2019 ? '150' : '141', rng.chance(0.7) ? local : p.healthStation);
  }
  // COVID-19: primary series in 2021, booster in 2022, bivalent booster 2022–2023.
  const age2021 = ageAt(profile, dayOfYmd(2021, 7, 1));
  if (age2021 >= 12 && rng.chance(Math.min(0.97, 0.9 * e))) {
    const brand = rng.next() < 0.45 ? '210' : rng.chance(0.6) ? '207' : '208';
    const first = dayOfYmd(2021, 6, 15) + rng.int(0, 100);
    const site = rng.chance(0.5) ? p.hospital : local;
    give(chart, profile, rng, first, brand, site, 1);
    if (rng.chance(0.93))
      give(chart, profile, rng, first + rng.int(56, 84), brand === '210' ? rng.pick(['210', '207']) : brand, site, 2);
    if (rng.chance(0.78))
      give(chart, profile, rng, dayOfYmd(2022, 1, 1) + rng.int(0, 120), rng.pick(['207', '208']), site, 3);
    if (rng.chance(age2021 >= 65 ? 0.4 : 0.18))
      give(chart, profile, rng, dayOfYmd(2022, 11, 1) + rng.int(0, 200), rng.pick(['229', '300']), site, 4);
  }
  // Pneumococcal vaccines from 65: a conjugate and a polysaccharide vaccine a year apart.
  const at65 = addYears(profile.birth, 65);
  if (at65 <= profile.end) {
    const from = Math.max(at65, profile.start);
    if (rng.chance(Math.min(0.9, 0.35 * e))) {
      const day = rng.int(from, Math.min(profile.end, from + 3 * 365));
      give(chart, profile, rng, day, isoOf(day) >= '2023-09-01' ? '215' : '133', local, 1);
      if (rng.chance(0.7)) give(chart, profile, rng, day + rng.int(365, 450), '33', local, 2);
    } else if (rng.chance(0.25 * e)) {
      give(chart, profile, rng, rng.int(from, Math.min(profile.end, from + 3 * 365)), '33', local, 1);
    }
  }
  // HPV for girls in the first year of junior high school, since December 2018.
  if (profile.sex === 'female') {
    const day = Math.max(addYears(profile.birth, 12) + rng.int(0, 200), dayOfYmd(2018, 12, 1) + rng.int(0, 60));
    if (ageAt(profile, day) <= 13 && rng.chance(0.9)) {
      give(chart, profile, rng, day, '165', p.healthStation, 1);
      give(chart, profile, rng, day + rng.int(180, 240), '165', p.healthStation, 2);
    }
  }
  // Recombinant zoster vaccine, self-paid, for a few people 50+.
  if (ageAt(profile, profile.end) >= 55 && rng.chance(0.04 * e)) {
    const day = rng.int(Math.max(profile.start, dayOfYmd(2021, 1, 1)), profile.end);
    if (ageAt(profile, day) >= 50) {
      give(chart, profile, rng, day, '187', p.clinic, 1);
      give(chart, profile, rng, day + rng.int(60, 180), '187', p.clinic, 2);
    }
  }
}
