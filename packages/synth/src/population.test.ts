/**
 * The 2,000-citizen population: every category present at plausible rates, eligibility rules
 * never broken, every record valid, identifiers unique, dates inside the history.
 */
import {
  CATEGORY_IDS,
  type CitizenRecords,
  type HealthRecord,
  isValidNationalId,
  parseInstitutionCode,
  validateRecord,
} from '@healthbank/records';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCitizen } from './citizen.js';
import { generatePopulation, populationSize } from './population.js';
import { HISTORY_YEARS } from './profile.js';

const ASOF = '2025-06-30';
const SEED = 'population-test';
const N = 2000;

function ageOn(birthDate: string, date: string): number {
  let age = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (date.slice(5) < birthDate.slice(5)) age--;
  return age;
}

let population: CitizenRecords[];
let ages: number[];
const rate = (people: readonly number[], pred: (i: number) => boolean) => people.filter(pred).length / people.length;
const has = (i: number, pred: (r: HealthRecord) => boolean) => (population[i] as CitizenRecords).records.some(pred);
const diagnosed = (prefix: string) => (r: HealthRecord) =>
  r.category === 'outpatient' && r.diagnoses.some((d) => d.code.startsWith(prefix));

beforeAll(() => {
  population = [...generatePopulation({ citizens: N, seed: SEED, asOf: ASOF, personas: false })];
  ages = population.map((p) => ageOn(p.citizen.birthDate, ASOF));
});

const everyone = () => population.map((_, i) => i);
const aged = (lo: number, hi: number) =>
  everyone().filter((i) => (ages[i] as number) >= lo && (ages[i] as number) <= hi);

describe('a 2,000-citizen population', () => {
  it('has the requested size and populates every category', () => {
    expect(population).toHaveLength(N);
    expect(populationSize({ citizens: N })).toBe(N + 62);
    expect(populationSize({ citizens: N, personas: false })).toBe(N);
    const counts = new Map<string, number>();
    for (const p of population) for (const r of p.records) counts.set(r.category, (counts.get(r.category) ?? 0) + 1);
    for (const c of CATEGORY_IDS) expect(counts.get(c) ?? 0, c).toBeGreaterThan(20);
    const perCitizen = [...counts.values()].reduce((a, b) => a + b, 0) / N;
    expect(perCitizen).toBeGreaterThan(60);
    expect(perCitizen).toBeLessThan(400);
  });

  it('every record passes validateRecord', () => {
    let checked = 0;
    for (const p of population) {
      for (const r of p.records) {
        const v = validateRecord(r);
        if (!v.ok) throw new Error(`${r.category} ${r.id}: ${v.issues.join('; ')}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(N * 60);
  });

  it('has an ageing society: about 18% aged 65+, balanced sexes, every county', () => {
    expect(rate(everyone(), (i) => (ages[i] as number) >= 65)).toBeGreaterThan(0.15);
    expect(rate(everyone(), (i) => (ages[i] as number) >= 65)).toBeLessThan(0.23);
    expect(rate(everyone(), (i) => (ages[i] as number) < 15)).toBeGreaterThan(0.09);
    expect(rate(everyone(), (i) => population[i]?.citizen.sex === 'male')).toBeGreaterThan(0.46);
    expect(rate(everyone(), (i) => population[i]?.citizen.sex === 'male')).toBeLessThan(0.54);
    expect(new Set(population.map((p) => p.citizen.county)).size).toBeGreaterThanOrEqual(19);
  });

  it('has national IDs and NHI card numbers that are valid and unique', () => {
    const ids = population.map((p) => p.citizen.nationalId);
    expect(ids.every(isValidNationalId)).toBe(true);
    expect(new Set(ids).size).toBe(N);
    expect(new Set(population.map((p) => p.citizen.nhiCardNumber)).size).toBe(N);
    for (const p of population) expect(p.citizen.sex === 'male').toBe(p.citizen.nationalId[1] === '1');
  });

  it('has record ids unique across the population, not derived from national IDs', () => {
    const ids = population.flatMap((p) => p.records.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of population.slice(0, 50)) {
      for (const r of p.records) expect(r.id.includes(p.citizen.nationalId.slice(1))).toBe(false);
    }
  });

  it('dates every record within [asOf − history, asOf] and after birth', () => {
    const first = `${Number(ASOF.slice(0, 4)) - HISTORY_YEARS}${ASOF.slice(4)}`;
    const outside: string[] = [];
    for (const p of population) {
      for (const r of p.records) {
        if (r.date < first || r.date > ASOF || r.date < p.citizen.birthDate) outside.push(`${r.id} ${r.date}`);
        if (r.category === 'inpatient' && (r.dischargeDate > ASOF || r.dischargeDate < r.admissionDate))
          outside.push(r.id);
        if ((r.category === 'lab' || r.category === 'imaging_pathology') && r.reportDate > ASOF) outside.push(r.id);
      }
    }
    expect(outside).toEqual([]);
  });

  it('uses institutions with valid codes, mostly in the citizen’s own county', () => {
    const former: Readonly<Record<string, string>> = { 臺中縣: '臺中市', 臺南縣: '臺南市', 高雄縣: '高雄市' };
    let local = 0;
    let ambulatory = 0;
    const invalid: string[] = [];
    for (const p of population) {
      for (const r of p.records) {
        if (!('institution' in r) || !r.institution) continue;
        const parts = parseInstitutionCode(r.institution.code);
        if (!parts) invalid.push(r.institution.code);
        if (r.category === 'outpatient' || r.category === 'dental' || r.category === 'tcm') {
          ambulatory++;
          const county = parts ? (former[parts.countyName] ?? parts.countyName) : '';
          if (county === p.citizen.county) local++;
        }
      }
    }
    expect(invalid).toEqual([]);
    expect(local / ambulatory).toBeGreaterThan(0.8);
  });

  it('has chronic disease prevalence close to Taiwan’s', () => {
    const adults = aged(20, 120);
    const elderly = aged(65, 120);
    const diabetes = rate(adults, (i) => has(i, diagnosed('E11')));
    expect(diabetes).toBeGreaterThan(0.07);
    expect(diabetes).toBeLessThan(0.16);
    expect(rate(elderly, (i) => has(i, diagnosed('E11')))).toBeGreaterThan(0.15);
    expect(rate(elderly, (i) => has(i, diagnosed('E11')))).toBeLessThan(0.35);
    const hypertension = rate(adults, (i) => has(i, (r) => diagnosed('I10')(r) || diagnosed('I12')(r)));
    expect(hypertension).toBeGreaterThan(0.18);
    expect(hypertension).toBeLessThan(0.35);
    // Diabetes is not diagnosed in children.
    expect(rate(aged(0, 17), (i) => has(i, diagnosed('E11')))).toBe(0);
  });

  it('follows diabetes with quarterly HbA1c; no claim supplies more than 30 days; pharmacies refill a month apart', () => {
    const diabetics = everyone().filter((i) => has(i, diagnosed('E11')));
    let gaps = 0;
    let quarterly = 0;
    for (const i of diabetics) {
      const a1c = (population[i] as CitizenRecords).records
        .filter((r) => r.category === 'lab' && r.order.code === '09006C')
        .map((r) => r.date)
        .sort();
      for (let k = 1; k < a1c.length; k++) {
        const days = (Date.parse(a1c[k] as string) - Date.parse(a1c[k - 1] as string)) / 86_400_000;
        gaps++;
        if (days >= 60 && days <= 200) quarterly++;
      }
    }
    expect(quarterly / gaps).toBeGreaterThan(0.8);
    const supplies = population.flatMap((p) =>
      p.records.flatMap((r) =>
        r.category === 'outpatient' || r.category === 'inpatient' || r.category === 'dental' || r.category === 'tcm'
          ? r.orders.filter((o) => o.kind === 'drug' || o.kind === 'herb').map((o) => o.days ?? 0)
          : [],
      ),
    );
    expect(supplies.length).toBeGreaterThan(10_000);
    expect(supplies.every((d) => d >= 1 && d <= 30)).toBe(true);
    // A refill prescription's second and third months: pharmacy claims of their own (dispensing
    // fee, drugs, no copay), under the serial of the visit that wrote it, each about a month after
    // the one before.
    let refills = 0;
    let monthApart = 0;
    for (const p of population) {
      // The last dispensing under each serial (serials restart every year, so the latest wins).
      const last = new Map<string, number>();
      const visits = p.records.filter((r) => r.category === 'outpatient').sort((a, b) => a.date.localeCompare(b.date));
      for (const r of visits) {
        if (r.category !== 'outpatient') continue;
        const day = Date.parse(r.date) / 86_400_000;
        if (r.institution.code.startsWith('59')) {
          expect(r.orders.some((o) => o.code === '05210B' || o.code === '05206B')).toBe(true);
          expect(r.orders.filter((o) => o.kind === 'drug').length).toBeGreaterThan(0);
          expect(r.copay).toBe(0);
          const before = last.get(r.serial);
          if (before !== undefined) {
            refills++;
            if (day - before >= 18 && day - before <= 40) monthApart++;
          }
          last.set(r.serial, day);
        } else if (r.orders.some((o) => ['00155A', '00131B', '00135B', '00158C'].includes(o.code))) {
          last.set(r.serial, day);
        }
      }
    }
    expect(refills).toBeGreaterThan(1000);
    expect(monthApart / refills).toBeGreaterThan(0.9);
  });

  it('interprets lab values against their reference ranges', () => {
    let checked = 0;
    for (const p of population.slice(0, 300)) {
      for (const r of p.records) {
        if (r.category !== 'lab' || !r.quantity || !r.referenceRange) continue;
        const { low, high } = r.referenceRange;
        const expected =
          high !== undefined && r.quantity.value > high
            ? 'high'
            : low !== undefined && r.quantity.value < low
              ? 'low'
              : 'normal';
        expect(r.interpretation).toBe(expected);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('gives adult preventive checks every 3 years from 40 to 64 and yearly from 65, never before 40', () => {
    for (const p of population) {
      const checks = p.records.filter((r) => r.category === 'adult_preventive');
      for (const r of checks) expect(ageOn(p.citizen.birthDate, r.date)).toBeGreaterThanOrEqual(40);
      const young = checks
        .filter((r) => ageOn(p.citizen.birthDate, r.date) < 65)
        .map((r) => r.date)
        .sort();
      for (let k = 1; k < young.length; k++) {
        expect(Date.parse(young[k] as string) - Date.parse(young[k - 1] as string)).toBeGreaterThan(365 * 86_400_000);
      }
    }
    const lastYear = `${Number(ASOF.slice(0, 4)) - 1}${ASOF.slice(4)}`;
    const elderlyYearly = rate(aged(66, 120), (i) =>
      has(i, (r) => r.category === 'adult_preventive' && r.date > lastYear),
    );
    expect(elderlyYearly).toBeGreaterThan(0.3);
    expect(elderlyYearly).toBeLessThan(0.75);
    const midlife = rate(aged(43, 64), (i) =>
      has(i, (r) => r.category === 'adult_preventive' && r.date > `${Number(ASOF.slice(0, 4)) - 3}${ASOF.slice(4)}`),
    );
    expect(midlife).toBeGreaterThan(0.25);
    expect(midlife).toBeLessThan(0.75);
  });

  it('never breaks cancer-screening eligibility, with realistic positive rates', () => {
    const screens = population.flatMap((p) =>
      p.records.flatMap((r) =>
        r.category === 'cancer_screening'
          ? [{ r, sex: p.citizen.sex, age: ageOn(p.citizen.birthDate, r.date), p }]
          : [],
      ),
    );
    for (const { r, sex, age, p } of screens) {
      if (r.kind === 'cervical') expect(sex === 'female' && age >= 30).toBe(true);
      if (r.kind === 'breast') expect(sex === 'female' && age >= 45 && age <= 69).toBe(true);
      if (r.kind === 'colorectal') expect(age >= 50 && age <= 74).toBe(true);
      if (r.kind === 'oral') {
        expect(age).toBeGreaterThanOrEqual(30);
        expect(p.citizen.nationalId).toMatch(/^[A-Z][12]/);
      }
    }
    const positive = (kind: string) => {
      const s = screens.filter((x) => x.r.kind === kind);
      return s.filter((x) => x.r.result === 'positive').length / s.length;
    };
    expect(screens.filter((x) => x.r.kind === 'oral').length).toBeGreaterThan(50);
    expect(positive('cervical')).toBeLessThan(0.05);
    expect(positive('breast')).toBeGreaterThan(0.03);
    expect(positive('breast')).toBeLessThan(0.15);
    expect(positive('colorectal')).toBeGreaterThan(0.02);
    expect(positive('colorectal')).toBeLessThan(0.1);
    // A positive FIT is mostly followed by a colonoscopy report.
    const fitPositive = screens.filter(
      (x) => x.r.kind === 'colorectal' && x.r.result === 'positive' && x.r.date < '2025-04-01',
    );
    const scoped = fitPositive.filter(({ p, r }) =>
      p.records.some((x) => x.category === 'imaging_pathology' && x.order.code === '28017C' && x.date > r.date),
    );
    expect(scoped.length / fitPositive.length).toBeGreaterThan(0.5);
  });

  it('has allergies for 5–10% of people, mostly to drugs', () => {
    const share = rate(everyone(), (i) => has(i, (r) => r.category === 'allergy'));
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.1);
    const all = population.flatMap((p) => p.records.filter((r) => r.category === 'allergy'));
    expect(all.filter((r) => r.allergenKind === 'drug').length / all.length).toBeGreaterThan(0.6);
  });

  it('vaccinates more of the elderly against influenza, and people 65+ against pneumococcus', () => {
    const flu = (people: number[]) =>
      rate(people, (i) =>
        has(i, (r) => r.category === 'immunization' && r.vaccine.code === '150' && r.date >= '2024-10-01'),
      );
    expect(flu(aged(66, 120))).toBeGreaterThan(0.35);
    expect(flu(aged(66, 120))).toBeGreaterThan(flu(aged(25, 49)) * 2);
    const pneumo = population.flatMap((p) =>
      p.records
        .filter((r) => r.category === 'immunization' && ['33', '133', '215'].includes(r.vaccine.code))
        .map((r) => ageOn(p.citizen.birthDate, r.date)),
    );
    // Infants get the conjugate vaccine in the childhood schedule; among adults only people 65+.
    const adults = pneumo.filter((a) => a >= 18);
    expect(adults.length).toBeGreaterThan(30);
    expect(adults.every((a) => a >= 65)).toBe(true);
  });

  it('has hospital stays that become more common with age', () => {
    const stays = (people: number[]) =>
      people.reduce(
        (n, i) => n + (population[i] as CitizenRecords).records.filter((r) => r.category === 'inpatient').length,
        0,
      ) / people.length;
    expect(stays(aged(75, 120))).toBeGreaterThan(stays(aged(20, 44)) * 3);
    expect(rate(everyone(), (i) => !has(i, (r) => r.category === 'inpatient'))).toBeGreaterThan(0.3);
  });

  it('has care-wish registrations more often among the elderly, TCM for about a quarter and dentistry for most', () => {
    const wishes = (people: number[]) => rate(people, (i) => has(i, (r) => r.category === 'care_wishes'));
    expect(wishes(aged(65, 120))).toBeGreaterThan(wishes(aged(20, 49)));
    expect(wishes(aged(0, 17))).toBe(0);
    expect(rate(everyone(), (i) => has(i, (r) => r.category === 'tcm'))).toBeGreaterThan(0.15);
    expect(rate(everyone(), (i) => has(i, (r) => r.category === 'tcm'))).toBeLessThan(0.4);
    expect(rate(everyone(), (i) => has(i, (r) => r.category === 'dental'))).toBeGreaterThan(0.4);
  });
});

describe('determinism', () => {
  it('gives deep-equal output for the same seed and asOf, and different output for another seed', () => {
    const a = [...generatePopulation({ citizens: 40, seed: SEED, asOf: ASOF })];
    const b = [...generatePopulation({ citizens: 40, seed: SEED, asOf: ASOF })];
    expect(b).toEqual(a);
    expect(a.slice(62)).toEqual(population.slice(0, 40));
    const c = [...generatePopulation({ citizens: 40, seed: 'another seed', asOf: ASOF, personas: false })];
    expect(c.map((x) => x.citizen.nationalId)).not.toEqual(a.slice(62).map((x) => x.citizen.nationalId));
  });

  it('generates each citizen independently of the others', () => {
    expect(generateCitizen(SEED, 1234, ASOF)).toEqual(population[1234]);
  });

  it('rejects bad options', () => {
    expect(() => generatePopulation({ citizens: -1 }).next()).toThrow(RangeError);
    expect(() => generatePopulation({ citizens: 1, asOf: '2025-02-30' }).next()).toThrow(RangeError);
  });
});
