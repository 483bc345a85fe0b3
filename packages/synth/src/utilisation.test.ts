/**
 * Utilisation over 5,000 citizens against Taiwan's published figures (TAIWAN, cited in
 * docs/synthetic-population.md): each rate within ±15% of its target; and the shape of care
 * the issue asked for (the week, a month's drugs per claim, clinics that fit the diagnosis and
 * the patient, varied herbal doses, verified drug codes only).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePopulation } from './population.js';
import { AGE_BANDS, measurePopulation, type PopulationStatistics, TAIWAN } from './statistics.js';

const ASOF = '2025-06-30';
const N = 5000;
const TOLERANCE = 0.15;

let s: PopulationStatistics;

beforeAll(() => {
  s = measurePopulation(
    [...generatePopulation({ citizens: N, seed: 'utilisation-test', asOf: ASOF, personas: false })],
    ASOF,
  );
});

/** Within ±15% of the target. */
function near(actual: number, target: number, label: string): void {
  expect(actual, `${label}: ${actual.toFixed(3)} against ${target}`).toBeGreaterThanOrEqual(target * (1 - TOLERANCE));
  expect(actual, `${label}: ${actual.toFixed(3)} against ${target}`).toBeLessThanOrEqual(target * (1 + TOLERANCE));
}

describe(`utilisation of ${N.toLocaleString('en-US')} citizens against Taiwan's published figures`, () => {
  it('visits and admissions per person-year', () => {
    const o = s.overall;
    near(o.western + o.tcm + o.dental, TAIWAN.visits, 'all outpatient visits');
    near(o.western, TAIWAN.western, 'western medicine');
    near(o.emergency, TAIWAN.emergency, 'emergency');
    near(o.tcm, TAIWAN.tcm, 'TCM');
    near(o.dental, TAIWAN.dental, 'dental');
    near(o.admissions, TAIWAN.admissions, 'admissions');
  });

  it('western-medicine visits by sex and age band', () => {
    for (const sex of ['male', 'female'] as const) {
      for (const band of AGE_BANDS) {
        near(s.bySexAndBand[sex][band].western, TAIWAN.westernBySexAndBand[sex][band], `${sex} ${band}`);
      }
    }
  });

  it('gout in about 6% of adults; treated diabetics’ HbA1c spread wide, many at 8% or more', () => {
    near(s.adultGout, TAIWAN.adultGout, 'adults with gout');
    near(s.hba1c.below7, TAIWAN.hba1cBelow7, 'HbA1c below 7%');
    near(s.hba1c.atLeast8, TAIWAN.hba1cAtLeast8, 'HbA1c 8% or more');
    expect(s.hba1c.p90).toBeGreaterThanOrEqual(8.5);
  });
});

describe('the shape of care', () => {
  it('keeps the week: clinics mostly closed on Sundays, fewer visits on Saturdays; emergencies any day', () => {
    const [sunday, monday, , , , , saturday] = s.weekdayShare as [number, number, ...number[]];
    expect(sunday).toBeLessThan(0.03);
    expect(saturday).toBeGreaterThan(0.07);
    expect(saturday).toBeLessThan(0.14);
    expect(monday).toBeGreaterThan(1 / 7);
    expect(s.emergencySundayShare).toBeGreaterThan(1 / 7);
  });

  it('supplies at most about a month of drugs per claim, refills dispensed by pharmacies', () => {
    expect(s.drugOrders.total).toBeGreaterThan(100_000);
    expect(s.drugOrders.over30Days).toBe(0);
    expect(s.drugOrders.days56or84).toBe(0);
    expect(s.overall.pharmacy).toBeGreaterThan(0.5);
  });

  it('sends patients to clinics whose specialty fits the diagnosis and the patient', () => {
    expect(s.menAtObstetrics).toBe(0);
    expect(s.orthopaedics.visits).toBeGreaterThan(1000);
    expect(s.orthopaedics.offTopic).toBe(0);
    expect(Object.keys(s.papSmearsAt).sort()).toEqual(expect.arrayContaining(['婦產科 clinic']));
    expect(s.papSmearsAt['骨科 clinic']).toBeUndefined();
  });

  it('doses herbal preparations as doctors do, not one fixed amount', () => {
    expect(s.herbGramsPerDay.length).toBeGreaterThanOrEqual(10);
  });

  it('prescribes only drugs whose NHI codes are verified', () => {
    expect(s.drugCodes.used).toBeGreaterThanOrEqual(20);
    expect(s.drugCodes.unverified).toBe(0);
  });
});
