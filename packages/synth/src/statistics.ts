/**
 * Utilisation statistics of a generated population, measured from the records alone (as anyone
 * holding the records could): visits per person-year by kind, age band and sex, the week, drug
 * supply per order, clinic specialty against diagnosis, gout prevalence, diabetic control and
 * herbal doses. The statistics tests compare them with Taiwan's published figures
 * (docs/synthetic-population.md); `scripts/measure-utilisation.ts` prints them.
 */
import { type CitizenRecords, DRUGS } from '@healthbank/records';
import { dayOf, weekdayOf } from './days.js';
import { PHARMACY_OWNERSHIP } from './institutions.js';
import { HISTORY_YEARS } from './profile.js';

/** Age bands of the published tables: children, young adults, middle age, the elderly. */
export const AGE_BANDS = ['0-14', '15-44', '45-64', '65+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export type Sex = 'female' | 'male';

export function bandOf(age: number): AgeBand {
  return age < 15 ? '0-14' : age < 45 ? '15-44' : age < 65 ? '45-64' : '65+';
}

/** Counts of one kind of care, per band and sex, with the person-years they were observed over. */
export interface Rates {
  readonly western: number;
  readonly emergency: number;
  readonly tcm: number;
  readonly dental: number;
  readonly admissions: number;
  readonly pharmacy: number;
  readonly personYears: number;
}

interface Counter {
  western: number;
  emergency: number;
  tcm: number;
  dental: number;
  admissions: number;
  pharmacy: number;
  personYears: number;
}

const emptyCounter = (): Counter => ({
  western: 0,
  emergency: 0,
  tcm: 0,
  dental: 0,
  admissions: 0,
  pharmacy: 0,
  personYears: 0,
});

export interface PopulationStatistics {
  readonly citizens: number;
  readonly records: number;
  /** The largest number of records one citizen has. */
  readonly heaviest: number;
  /** Visits and admissions per person-year, all ages and both sexes. */
  readonly overall: Rates;
  /** The same by age band (at the visit) and sex. */
  readonly bySexAndBand: Readonly<Record<Sex, Readonly<Record<AgeBand, Rates>>>>;
  /** Share of non-emergency ambulatory visits (western, TCM, dental) on each weekday, Sunday first. */
  readonly weekdayShare: readonly number[];
  /** Share of emergency visits on Sundays. */
  readonly emergencySundayShare: number;
  /** Outpatient drug orders: how many, how many for more than 30 days, how many for 56 or 84. */
  readonly drugOrders: { readonly total: number; readonly over30Days: number; readonly days56or84: number };
  /** Visits by men to 婦產科 clinics. */
  readonly menAtObstetrics: number;
  /** Visits to 骨科 clinics, and those whose main diagnosis is not musculoskeletal or an injury. */
  readonly orthopaedics: { readonly visits: number; readonly offTopic: number };
  /** Cervical smears by the kind of place that took them. */
  readonly papSmearsAt: Readonly<Record<string, number>>;
  /** Share of adults (20+ at the end) with a gout diagnosis (M10) in their history. */
  readonly adultGout: number;
  /** HbA1c of diabetics six months or more after their first diabetes visit. */
  readonly hba1c: {
    readonly values: number;
    readonly p10: number;
    readonly p50: number;
    readonly p90: number;
    readonly below7: number;
    readonly atLeast8: number;
  };
  /** Distinct daily herbal doses (grams a day per preparation). */
  readonly herbGramsPerDay: readonly number[];
  /** NHI drug codes used, and how many of them the code list marks unverified. */
  readonly drugCodes: { readonly used: number; readonly unverified: number };
}

/** `YYYYMMDD` of an ISO date, memoised: a population's records share a few thousand dates. */
const ymdCache = new Map<string, number>();
function ymd(iso: string): number {
  let n = ymdCache.get(iso);
  if (n === undefined) {
    n = Number(iso.slice(0, 4)) * 10_000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10));
    ymdCache.set(iso, n);
  }
  return n;
}

/** Whole years from one ISO date to another. */
function ageAt(birth: string, date: string): number {
  return Math.floor((ymd(date) - ymd(birth)) / 10_000);
}

const dayCache = new Map<string, number>();
function dayNumber(iso: string): number {
  let n = dayCache.get(iso);
  if (n === undefined) {
    n = dayOf(iso);
    dayCache.set(iso, n);
  }
  return n;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

const isPharmacy = (code: string) => code.startsWith(PHARMACY_OWNERSHIP);

const kindCache = new Map<string, string>();
/** Kind of clinic, from the specialty its name carries (memoised by name). */
function clinicKind(name: string): string {
  let kind = kindCache.get(name);
  if (kind === undefined) {
    kind = kindOfName(name);
    kindCache.set(name, kind);
  }
  return kind;
}

function kindOfName(name: string): string {
  if (isPharmacyName(name)) return 'pharmacy';
  if (name.endsWith('衛生所')) return 'health station';
  if (name.endsWith('婦產科診所')) return '婦產科 clinic';
  if (name.endsWith('骨科診所')) return '骨科 clinic';
  if (name.endsWith('診所')) return 'other clinic';
  return 'hospital';
}
const isPharmacyName = (name: string) => name.endsWith('藥局');

/** Adds the person-years a citizen lived in each age band during the history. */
function addPersonYears(counters: Record<AgeBand, Counter>, birth: string, asOf: string): void {
  const end = dayOf(asOf);
  const birthDay = dayOf(birth);
  const start = Math.max(birthDay, dayOf(`${Number(asOf.slice(0, 4)) - HISTORY_YEARS}${asOf.slice(4)}`) + 1);
  // Walk birthdays: between two birthdays the age is constant.
  let age = ageAt(birth, `${asOf.slice(0, 4)}-01-01`) - HISTORY_YEARS - 2;
  for (; ; age++) {
    const from = dayOf(`${Number(birth.slice(0, 4)) + age}${birth.slice(4)}`);
    const to = dayOf(`${Number(birth.slice(0, 4)) + age + 1}${birth.slice(4)}`) - 1;
    if (from > end) break;
    const a = Math.max(from, start);
    const b = Math.min(to, end);
    if (b >= a && age >= 0) counters[bandOf(age)].personYears += (b - a + 1) / 365.25;
  }
}

/** Measures a population generated up to `asOf`, one citizen at a time (it may be streamed). */
export function measurePopulation(population: Iterable<CitizenRecords>, asOf: string): PopulationStatistics {
  const cells: Record<Sex, Record<AgeBand, Counter>> = {
    female: { '0-14': emptyCounter(), '15-44': emptyCounter(), '45-64': emptyCounter(), '65+': emptyCounter() },
    male: { '0-14': emptyCounter(), '15-44': emptyCounter(), '45-64': emptyCounter(), '65+': emptyCounter() },
  };
  const weekdays = [0, 0, 0, 0, 0, 0, 0];
  let emergencySundays = 0;
  let emergencies = 0;
  let drugOrders = 0;
  let over30Days = 0;
  let days56or84 = 0;
  let menAtObstetrics = 0;
  let orthoVisits = 0;
  let orthoOffTopic = 0;
  const papSmearsAt: Record<string, number> = {};
  let adults = 0;
  let adultsWithGout = 0;
  const a1c: number[] = [];
  const herbDoses = new Set<number>();
  const codes = new Set<string>();
  let records = 0;
  let heaviest = 0;
  let citizens = 0;
  for (const { citizen, records: rs } of population) {
    citizens++;
    records += rs.length;
    heaviest = Math.max(heaviest, rs.length);
    const sex = citizen.sex as Sex;
    const mine = cells[sex];
    addPersonYears(mine, citizen.birthDate, asOf);
    const adult = ageAt(citizen.birthDate, asOf) >= 20;
    let gout = false;
    let firstDiabetes: string | undefined;
    for (const r of rs) {
      if (r.category === 'outpatient' && r.diagnoses.some((d) => d.code.startsWith('E11'))) {
        if (firstDiabetes === undefined || r.date < firstDiabetes) firstDiabetes = r.date;
      }
    }
    for (const r of rs) {
      const band = bandOf(ageAt(citizen.birthDate, r.date));
      const cell = mine[band];
      if (r.category === 'inpatient') cell.admissions++;
      else if (r.category === 'cancer_screening' && r.kind === 'cervical') {
        const kind = clinicKind(r.institution.name);
        papSmearsAt[kind] = (papSmearsAt[kind] ?? 0) + 1;
      } else if (r.category === 'lab' && r.order.code === '09006C' && r.quantity && firstDiabetes) {
        if (dayNumber(r.date) - dayNumber(firstDiabetes) >= 180) a1c.push(r.quantity.value);
      }
      if (r.category !== 'outpatient' && r.category !== 'tcm' && r.category !== 'dental') continue;
      const pharmacy = r.category === 'outpatient' && isPharmacy(r.institution.code);
      const emergency = r.category === 'outpatient' && r.visitType === 'emergency';
      if (pharmacy) cell.pharmacy++;
      else if (r.category === 'outpatient') cell.western++;
      else cell[r.category]++;
      const weekday = weekdayOf(dayNumber(r.date));
      if (emergency) {
        cell.emergency++;
        emergencies++;
        if (weekday === 0) emergencySundays++;
      } else if (!pharmacy) weekdays[weekday] = (weekdays[weekday] as number) + 1;
      if (r.category === 'outpatient' && r.diagnoses.some((d) => d.code.startsWith('M10'))) gout = true;
      const kind = clinicKind(r.institution.name);
      if (kind === '婦產科 clinic' && sex === 'male') menAtObstetrics++;
      if (kind === '骨科 clinic') {
        orthoVisits++;
        const main = r.diagnoses[0]?.code ?? '';
        if (!main.startsWith('M') && !main.startsWith('S')) orthoOffTopic++;
      }
      for (const o of r.orders) {
        if (o.kind === 'herb' && o.days) herbDoses.add(o.quantity / o.days);
        if (o.kind !== 'drug') continue;
        codes.add(o.code);
        if (r.category !== 'outpatient') continue;
        drugOrders++;
        if ((o.days ?? 0) > 30) over30Days++;
        if (o.days === 56 || o.days === 84) days56or84++;
      }
    }
    if (adult) {
      adults++;
      if (gout) adultsWithGout++;
    }
  }
  const rates = (c: Counter): Rates => ({
    western: c.western / c.personYears,
    emergency: c.emergency / c.personYears,
    tcm: c.tcm / c.personYears,
    dental: c.dental / c.personYears,
    admissions: c.admissions / c.personYears,
    pharmacy: c.pharmacy / c.personYears,
    personYears: c.personYears,
  });
  const total = emptyCounter();
  const bySexAndBand = {} as Record<Sex, Record<AgeBand, Rates>>;
  for (const sex of ['female', 'male'] as const) {
    bySexAndBand[sex] = {} as Record<AgeBand, Rates>;
    for (const band of AGE_BANDS) {
      const c = cells[sex][band];
      bySexAndBand[sex][band] = rates(c);
      for (const k of Object.keys(total) as (keyof Counter)[]) total[k] += c[k];
    }
  }
  const ambulatory = weekdays.reduce((a, b) => a + b, 0);
  a1c.sort((x, y) => x - y);
  const verified = new Map(DRUGS.map((d) => [d.code, d.verification]));
  return {
    citizens,
    records,
    heaviest,
    overall: rates(total),
    bySexAndBand,
    weekdayShare: weekdays.map((n) => n / ambulatory),
    emergencySundayShare: emergencySundays / emergencies,
    drugOrders: { total: drugOrders, over30Days, days56or84 },
    menAtObstetrics,
    orthopaedics: { visits: orthoVisits, offTopic: orthoOffTopic },
    papSmearsAt,
    adultGout: adultsWithGout / adults,
    hba1c: {
      values: a1c.length,
      p10: quantile(a1c, 0.1),
      p50: quantile(a1c, 0.5),
      p90: quantile(a1c, 0.9),
      below7: a1c.filter((v) => v < 7).length / a1c.length,
      atLeast8: a1c.filter((v) => v >= 8).length / a1c.length,
    },
    herbGramsPerDay: [...herbDoses].sort((x, y) => x - y),
    drugCodes: { used: codes.size, unverified: [...codes].filter((c) => verified.get(c) !== 'public-document').length },
  };
}

/**
 * Taiwan's published utilisation the population is calibrated to, per person-year. Sources and
 * how approximate each figure is: docs/synthetic-population.md, "Calibration".
 */
export const TAIWAN = {
  /** Outpatient visits of every kind (western medicine with emergencies, TCM, dentistry). */
  visits: 15,
  /** Western-medicine outpatient and emergency visits. */
  western: 12,
  emergency: 0.3,
  tcm: 1.5,
  dental: 1.5,
  admissions: 0.13,
  /** Western-medicine visits by sex and age band. */
  westernBySexAndBand: {
    male: { '0-14': 12.5, '15-44': 6.5, '45-64': 11.5, '65+': 24 },
    female: { '0-14': 11.5, '15-44': 9.5, '45-64': 13.5, '65+': 24 },
  },
  /** Share of adults with diagnosed gout. */
  adultGout: 0.062,
  /** Treated type 2 diabetics' HbA1c: share below 7% and share at 8% or more. */
  hba1cBelow7: 0.37,
  hba1cAtLeast8: 0.27,
} as const satisfies {
  readonly westernBySexAndBand: Readonly<Record<Sex, Readonly<Record<AgeBand, number>>>>;
  readonly [key: string]: unknown;
};
