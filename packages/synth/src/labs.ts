/**
 * Lab records (r7): one record per analyte of each lab order, with the value drawn from the
 * person's physiology, its UCUM unit, the reference range in NHI's text form and the flag.
 */
import {
  interpretValue,
  type LabAnalyte,
  type LabRecord,
  labPanel,
  type Order,
  referenceRangeFor,
} from '@healthbank/records';
import { type Chart, feeOrder, institution, orderCoding } from './chart.js';
import { instantOf, isoOf } from './days.js';
import type { Facility } from './institutions.js';
import { analyteValue, SampleDay } from './physiology.js';
import { hasOn, type Profile } from './profile.js';
import type { Rng } from './rng.js';

function qualitative(analyte: LabAnalyte, profile: Profile, day: number, rng: Rng): string {
  switch (analyte.key) {
    case 'hbsag':
      return profile.conditions.has('hbv') ? 'Positive' : 'Negative';
    case 'antiHcv':
      return profile.physiology.antiHcv ? 'Positive' : 'Negative';
    case 'urineProtein': {
      const kidney = hasOn(profile, 'ckd', day) || (hasOn(profile, 'diabetes', day) && rng.chance(0.3));
      return kidney ? rng.pick(['Trace', '1+', '1+', '2+']) : rng.chance(0.04) ? 'Trace' : 'Negative';
    }
    case 'urineGlucose':
      return hasOn(profile, 'diabetes', day) && rng.chance(0.35) ? rng.pick(['1+', '2+', '3+']) : 'Negative';
    case 'urineLeukocyteEsterase':
      return rng.chance(profile.sex === 'female' ? 0.08 : 0.03) ? rng.pick(['1+', '2+']) : 'Negative';
    default:
      return rng.chance(0.02) ? 'Trace' : 'Negative';
  }
}

/**
 * Adds the lab records of some lab orders taken on `day`, and returns the orders to put on the
 * visit. Results are reported the same day or up to three days later.
 */
export function addLabs(
  chart: Chart,
  profile: Profile,
  rng: Rng,
  day: number,
  facility: Facility,
  codes: readonly string[],
  sample: SampleDay = new SampleDay(profile, day, rng),
): Order[] {
  const orders: Order[] = [];
  const inst = institution(facility);
  const date = isoOf(day);
  const delay = facility.level === 'clinic' || facility.level === 'health_station' ? rng.int(1, 3) : rng.int(0, 1);
  const reportDay = Math.min(profile.end, day + delay);
  const reportDate = isoOf(reportDay);
  const reportedAt = instantOf(reportDay, rng.int(9 * 60, 20 * 60));
  for (const code of codes) {
    orders.push(feeOrder(code));
    const order = orderCoding(code);
    for (const analyte of labPanel(code)) {
      // Records are built as literals (no spreads): this loop makes half of all records.
      if (analyte.unit === undefined || analyte.normalText !== undefined) {
        const value = qualitative(analyte, profile, day, rng);
        const record: LabRecord = {
          id: chart.nextId(),
          date,
          category: 'lab',
          institution: inst,
          reportDate,
          reportedAt,
          order,
          item: analyte.item,
          loinc: analyte.loinc,
          value,
          referenceRange: { text: analyte.normalText ?? '' },
          interpretation: value === (analyte.normalText ?? 'Negative') ? 'normal' : 'abnormal',
        };
        chart.push(record);
        continue;
      }
      const range = referenceRangeFor(analyte, profile.sex);
      const text = analyteValue(analyte.key, sample, rng).toFixed(analyte.decimals);
      const value = Number(text);
      const record: LabRecord = {
        id: chart.nextId(),
        date,
        category: 'lab',
        institution: inst,
        reportDate,
        reportedAt,
        order,
        item: analyte.item,
        loinc: analyte.loinc,
        value: text,
        quantity: { value, unit: analyte.unit },
        interpretation: interpretValue(value, range),
      };
      if (range) record.referenceRange = range;
      chart.push(record);
    }
  }
  return orders;
}
