import { describe, expect, it } from 'vitest';
import { currentMedications } from './medications.js';
import { doctorSummary, RECENT_RESULTS } from './summary.js';
import { AS_OF, FIVE_YEARS, missA, visit } from './testing.js';

describe('doctorSummary', () => {
  const records = missA(FIVE_YEARS);
  const summary = doctorSummary(records, FIVE_YEARS, AS_OF);

  it("holds A小姐's latest HbA1c and her recent results, newest first", () => {
    const hba1c = records.lab.filter((l) => l.order.code === '09006C').sort((a, b) => b.date.localeCompare(a.date));
    expect(summary.hba1c.trend.latest?.value).toBe(hba1c[0]?.quantity?.value);
    expect(summary.hba1c.trend.latest?.date).toBe(hba1c[0]?.date);
    expect(summary.hba1c.recent.map((m) => m.date)).toEqual(hba1c.slice(0, RECENT_RESULTS).map((l) => l.date));
    expect(summary.fastingGlucose.series.points).toHaveLength(
      records.lab.filter((l) => l.order.code === '09005C').length,
    );
  });

  it('counts her visits in the period and in the last twelve months', () => {
    expect(summary.visits.total).toBe(records.outpatient.length);
    expect(summary.visits.lastTwelveMonths).toBe(records.outpatient.filter((v) => v.date >= '2024-07-01').length);
    expect(summary.visits.emergencies).toBe(records.outpatient.filter((v) => v.visitType === 'emergency').length);
    expect(summary.visits.institutions.reduce((n, i) => n + i.visits, 0)).toBe(summary.visits.lastTwelveMonths);
    expect(summary.visits.lastVisit).toBe(
      records.outpatient
        .map((v) => v.date)
        .sort()
        .at(-1),
    );
  });

  it('lists the current medication', () => {
    expect(summary.medications).toEqual(currentMedications(records.outpatient, AS_OF));
    expect(summary.medications.length).toBeGreaterThan(0);
  });

  it('ranks institutions by visits in the last twelve months', () => {
    const s = doctorSummary(
      {
        outpatient: [
          visit({ id: '1', date: '2025-01-01', institution: { code: '1', name: '乙診所' } }),
          visit({ id: '2', date: '2025-02-01', institution: { code: '2', name: '甲醫院' } }),
          visit({ id: '3', date: '2025-03-01', institution: { code: '2', name: '甲醫院' } }),
          visit({ id: '4', date: '2023-03-01', institution: { code: '3', name: '丙診所' }, visitType: 'emergency' }),
        ],
      },
      { from: null, to: null },
      '2025-06-30',
    );
    expect(s.visits).toEqual({
      total: 4,
      lastTwelveMonths: 3,
      emergencies: 1,
      institutions: [
        { name: '甲醫院', visits: 2 },
        { name: '乙診所', visits: 1 },
      ],
      lastVisit: '2025-03-01',
    });
  });

  it('is empty, not broken, without records', () => {
    const s = doctorSummary({}, { from: null, to: null }, AS_OF);
    expect(s.hba1c.trend).toEqual({});
    expect(s.hba1c.recent).toEqual([]);
    expect(s.medications).toEqual([]);
    expect(s.visits).toEqual({ total: 0, lastTwelveMonths: 0, emergencies: 0, institutions: [] });
  });
});
