import {
  type CitizenRecords,
  isValidNationalId,
  isValidUbn,
  type LabRecord,
  validateRecord,
} from '@healthbank/records';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePersonas, PERSONA_IDS, WORKPLACE } from './personas.js';
import { generatePopulation } from './population.js';

const ASOF = '2025-06-30';
let personas: CitizenRecords[];
let missA: CitizenRecords;
let grandpaB: CitizenRecords;
let workplace: CitizenRecords[];

beforeAll(() => {
  personas = generatePersonas('persona-test', ASOF);
  [missA, grandpaB, ...workplace] = personas as [CitizenRecords, CitizenRecords, ...CitizenRecords[]];
});

const years = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / (365.25 * 86_400_000);

describe('personas', () => {
  it('have stable, valid and distinct national IDs, whatever the seed or date', () => {
    expect(PERSONA_IDS.A小姐).toBe('A299991011');
    expect(PERSONA_IDS.B爺爺).toBe('M199991028');
    const all = [PERSONA_IDS.A小姐, PERSONA_IDS.B爺爺, ...PERSONA_IDS.C職場];
    expect(all.every(isValidNationalId)).toBe(true);
    expect(new Set(all).size).toBe(62);
    const other = generatePersonas('another seed', '2024-01-15');
    expect(other.map((p) => p.citizen.nationalId)).toEqual(personas.map((p) => p.citizen.nationalId));
    expect(personas.map((p) => p.citizen.nationalId)).toEqual(all);
  });

  it('come first in a population and every record is valid', () => {
    const population = generatePopulation({ citizens: 3, seed: 'persona-test', asOf: ASOF });
    const first = population.next().value as CitizenRecords;
    expect(first).toEqual(missA);
    for (const p of personas) for (const r of p.records) expect(validateRecord(r).ok, r.id).toBe(true);
    const ids = personas.flatMap((p) => p.records.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('A小姐: a woman in her fifties with 8+ years of quarterly HbA1c and fasting glucose, metformin and more, refilled at a pharmacy', () => {
    const c = missA.citizen;
    expect(c.persona).toBe('A小姐');
    expect(c.sex).toBe('female');
    const age = years(c.birthDate, ASOF);
    expect(age).toBeGreaterThanOrEqual(50);
    expect(age).toBeLessThan(60);
    const labs = missA.records.filter((r): r is LabRecord => r.category === 'lab');
    const a1c = labs.filter((r) => r.order.code === '09006C').sort((a, b) => a.date.localeCompare(b.date));
    const glucose = labs.filter((r) => r.order.code === '09005C');
    expect(a1c.length).toBeGreaterThanOrEqual(32);
    expect(glucose.length).toBeGreaterThanOrEqual(32);
    expect(years((a1c[0] as LabRecord).date, (a1c.at(-1) as LabRecord).date)).toBeGreaterThanOrEqual(8);
    // Treatment brings the value at diagnosis down; later values stay in a believable band.
    const values = a1c.map((r) => r.quantity?.value ?? 0);
    expect(values[0]).toBeGreaterThan(8);
    expect(Math.min(...values.slice(2))).toBeGreaterThan(5.8);
    expect(Math.max(...values.slice(2))).toBeLessThan(9.5);
    expect(a1c.every((r) => r.loinc === '4548-4' && r.quantity?.unit === '%')).toBe(true);
    const visits = missA.records.filter((r) => r.category === 'outpatient');
    expect(visits.some((v) => v.diagnoses.some((d) => d.code.startsWith('E11')))).toBe(true);
    expect(visits.some((v) => v.diagnoses.some((d) => d.code.startsWith('E78') || d.code === 'I10'))).toBe(true);
    const drugs = visits.flatMap((v) => v.orders.filter((o) => o.kind === 'drug'));
    expect(drugs.some((o) => o.atc === 'A10BA02')).toBe(true);
    const firstOf = (atc: string) => drugs.filter((o) => o.atc === atc).length;
    // Linagliptin, then dapagliflozin with saxagliptin in its place.
    expect(firstOf('A10BH05')).toBeGreaterThan(0);
    expect(firstOf('A10BD21')).toBeGreaterThan(0);
    // Her hospital writes refill prescriptions: a community pharmacy dispenses the second and
    // third months, a month's drugs at a time.
    const refills = visits.filter((v) => v.institution.code.startsWith('59'));
    expect(refills.length).toBeGreaterThan(40);
    expect(drugs.every((o) => (o.days ?? 0) <= 30)).toBe(true);
  });

  it('B爺爺: 82, in a mountain township, hypertension and CKD, 8+ drugs in the last year, 衛生所 visits and hospital stays', () => {
    const c = grandpaB.citizen;
    expect(c.persona).toBe('B爺爺');
    expect(Math.floor(years(c.birthDate, ASOF))).toBe(82);
    expect(`${c.county}${c.township}`).toBe('南投縣信義鄉');
    const visits = grandpaB.records.filter((r) => r.category === 'outpatient');
    const codes = new Set(visits.flatMap((v) => v.diagnoses.map((d) => d.code)));
    expect([...codes].some((code) => code === 'I10' || code.startsWith('I12'))).toBe(true);
    expect([...codes].some((code) => code.startsWith('N18'))).toBe(true);
    const lastYear = '2024-06-30';
    const drugs = new Set(
      visits
        .filter((v) => v.date > lastYear)
        .flatMap((v) => v.orders.filter((o) => o.kind === 'drug').map((o) => o.code)),
    );
    expect(drugs.size).toBeGreaterThanOrEqual(8);
    const stationVisits = visits.filter((v) => v.institution.name === '南投縣信義鄉衛生所');
    expect(stationVisits.length).toBeGreaterThan(50);
    const stays = grandpaB.records.filter((r) => r.category === 'inpatient');
    expect(stays.length).toBeGreaterThanOrEqual(2);
    expect(stays.every((s) => s.institution.name !== '南投縣信義鄉衛生所')).toBe(true);
    const creatinine = grandpaB.records.filter(
      (r): r is LabRecord => r.category === 'lab' && r.order.code === '09015C',
    );
    expect(creatinine.length).toBeGreaterThan(10);
  });

  it('C職場: exactly 60 employees of mixed ages, all with the workplace UBN', () => {
    expect(isValidUbn(WORKPLACE.ubn)).toBe(true);
    expect(workplace).toHaveLength(60);
    expect(workplace.every((p) => p.citizen.persona === 'C職場' && p.citizen.employerUbn === WORKPLACE.ubn)).toBe(true);
    const ages = workplace.map((p) => Math.floor(years(p.citizen.birthDate, ASOF)));
    expect(Math.min(...ages)).toBeLessThan(30);
    expect(Math.max(...ages)).toBeGreaterThan(58);
    expect(new Set(workplace.map((p) => p.citizen.sex)).size).toBe(2);
    const withChronic = workplace.filter((p) =>
      p.records.some((r) => r.category === 'outpatient' && r.diagnoses.some((d) => /^(E11|I10|E78)/.test(d.code))),
    );
    expect(withChronic.length).toBeGreaterThan(3);
    expect(withChronic.length).toBeLessThan(45);
  });
});
