import type { AdultPreventiveRecord, LabRecord } from '@healthbank/records';
import { describe, expect, it } from 'vitest';
import { consentStatus, filterHistory, parseHistoryFilter, parsePage, trendsOf } from './model.js';

describe('consentStatus', () => {
  it('reads revoked before expired, and expired at the end instant', () => {
    expect(consentStatus({ status: 'active', expiresAt: 2000 }, 1999)).toBe('active');
    expect(consentStatus({ status: 'active', expiresAt: 2000 }, 2000)).toBe('expired');
    expect(consentStatus({ status: 'revoked', expiresAt: 2000 }, 1000)).toBe('revoked');
    expect(consentStatus({ status: 'revoked', expiresAt: 2000 }, 3000)).toBe('revoked');
  });
});

describe('the history filter', () => {
  it('reads empty fields as any', () => {
    expect(parseHistoryFilter({ app: '', from: '', to: '' })).toEqual({ filter: {}, errors: [] });
    expect(parseHistoryFilter({})).toEqual({ filter: {}, errors: [] });
  });

  it('names every bad field', () => {
    expect(parseHistoryFilter({ app: '<script>', from: '2025-02-30', to: ['x'] }).errors).toEqual([
      'app',
      'from',
      'to',
    ]);
    expect(parseHistoryFilter({ from: '2025-03-01', to: '2025-01-01' }).errors).toEqual(['order']);
  });

  it('keeps entries by app and by Taiwan calendar day', () => {
    // 2025-01-31 16:30 UTC is 2025-02-01 00:30 in Taiwan.
    const late = { clientId: 'diary', createdAt: Date.UTC(2025, 0, 31, 16, 30) };
    const other = { clientId: 'other', createdAt: Date.UTC(2025, 0, 15) };
    expect(filterHistory([late, other], { from: '2025-02-01' })).toEqual([late]);
    expect(filterHistory([late, other], { to: '2025-01-31' })).toEqual([other]);
    expect(filterHistory([late, other], { app: 'other' })).toEqual([other]);
  });
});

describe('parsePage', () => {
  it('accepts page numbers only', () => {
    expect(parsePage(undefined)).toBe(1);
    expect(parsePage('3')).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'abc', '01', '1001', ['2']]) expect(parsePage(bad)).toBeUndefined();
  });
});

describe('trendsOf', () => {
  const institution = { code: '0101090517', name: '臺大醫院' };
  const lab = (date: string, loinc: string, value: number, unit = '%'): LabRecord => ({
    id: `${loinc}-${date}`,
    category: 'lab',
    date,
    institution,
    reportDate: date,
    reportedAt: `${date}T10:00:00+08:00`,
    order: { code: '09006C', display: '醣化血紅素' },
    item: 'HbA1c',
    loinc,
    value: String(value),
    quantity: { value, unit },
    referenceRange: { low: 4, high: 5.6, text: '[4][5.6]' },
    interpretation: value > 5.6 ? 'high' : 'normal',
  });
  const q = (value: number, unit: string) => ({ value, unit });
  const preventive = (date: string, systolic: number): AdultPreventiveRecord =>
    ({
      id: `p-${date}`,
      category: 'adult_preventive',
      date,
      institution,
      phone: '02-1234',
      measurements: {
        height: q(160, 'cm'),
        weight: q(60, 'kg'),
        bmi: q(23.4, 'kg/m2'),
        waist: q(80, 'cm'),
        systolic: q(systolic, 'mm[Hg]'),
        diastolic: q(80, 'mm[Hg]'),
        totalCholesterol: q(190, 'mg/dL'),
        triglycerides: q(120, 'mg/dL'),
        hdl: q(50, 'mg/dL'),
        ldl: q(110, 'mg/dL'),
        fastingGlucose: q(130, 'mg/dL'),
        bun: q(14, 'mg/dL'),
        creatinine: q(0.8, 'mg/dL'),
        egfr: q(88, 'mL/min/{1.73_m2}'),
        ast: q(20, 'U/L'),
        alt: q(22, 'U/L'),
      },
    }) as AdultPreventiveRecord;

  it('orders each series by date, merges the preventive check into glucose, and skips empty trends', () => {
    const trends = trendsOf(
      [lab('2024-05-01', '4548-4', 7.2), lab('2023-01-01', '4548-4', 8.1), lab('2024-01-01', '1558-6', 140, 'mg/dL')],
      [preventive('2023-06-01', 138)],
    );
    expect(trends.map((t) => t.id)).toEqual(['hba1c', 'glucose', 'lipids', 'egfr', 'bloodPressure']);
    const hba1c = trends[0];
    expect(hba1c?.series[0]?.points.map((p) => [p.date, p.value])).toEqual([
      ['2023-01-01', 8.1],
      ['2024-05-01', 7.2],
    ]);
    expect(hba1c?.band).toEqual({ low: 4, high: 5.6 });
    const glucose = trends[1]?.series[0]?.points.map((p) => [p.date, p.value, p.source]);
    expect(glucose).toEqual([
      ['2023-06-01', 130, 'adult_preventive'],
      ['2024-01-01', 140, 'lab'],
    ]);
    expect(trends[4]?.series.map((s) => s.key)).toEqual(['systolic', 'diastolic']);
    expect(trendsOf([], [])).toEqual([]);
  });
});
