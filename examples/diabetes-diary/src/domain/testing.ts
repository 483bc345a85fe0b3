/**
 * Test data: A小姐 from the synthetic population (tests only; the app never imports the
 * generator), with her lab and outpatient records cut to a consented period as an export would.
 */
import { generatePersonas } from '@healthbank/synth';
import type { DiaryRecords, LabResult, Period, Visit } from './types.js';

export const AS_OF = '2025-06-30';
export const FIVE_YEARS: Period = { from: '2020-06-30', to: AS_OF };

/** A小姐's lab and outpatient records within `period` (all of them by default). */
export function missA(
  period: Period = { from: null, to: null },
): DiaryRecords & { lab: LabResult[]; outpatient: Visit[] } {
  const persona = generatePersonas('healthbank', AS_OF)[0];
  if (persona?.citizen.persona !== 'A小姐') throw new Error('the first persona is not A小姐');
  const inPeriod = (date: string) =>
    (period.from === null || date >= period.from) && (period.to === null || date <= period.to);
  const lab: LabResult[] = [];
  const outpatient: Visit[] = [];
  for (const r of persona.records) {
    if (!inPeriod(r.date)) continue;
    if (r.category === 'lab') lab.push(r);
    if (r.category === 'outpatient') outpatient.push(r);
  }
  return { lab, outpatient };
}

/** A lab result with defaults, for edge cases. */
export function labResult(overrides: Partial<LabResult> & Pick<LabResult, 'id' | 'date'>): LabResult {
  return {
    order: { code: '09006C', display: '醣化血紅素' },
    item: 'HbA1c',
    loinc: '4548-4',
    value: '7.0',
    quantity: { value: 7, unit: '%' },
    referenceRange: { low: 4, high: 5.6, text: '[4][5.6]' },
    ...overrides,
  };
}

/** An outpatient visit with defaults, for edge cases. */
export function visit(overrides: Partial<Visit> & Pick<Visit, 'id' | 'date'>): Visit {
  return {
    institution: { code: '0101090517', name: '臺北測試醫院' },
    visitType: 'outpatient',
    diagnoses: [{ code: 'E11.9', display: '第二型糖尿病' }],
    orders: [],
    ...overrides,
  };
}
